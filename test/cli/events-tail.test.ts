/**
 * `conversion-hub events tail` end to end (issue 15): started against a real hub process with a
 * read key, it shows each delivery as it arrives (`received`) and again once processed, with its
 * provider, type, status, conversion and trace — here a Stripe and a Paddle purchase sent by
 * `trigger` — and Ctrl-C ends it with exit code 0. `--json` prints the same as one object a line;
 * `--last` shows recent history first; a hub it cannot reach ends it with exit code 3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PADDLE_SECRET } from '../helpers/paddle.js';
import { STRIPE_SECRET } from '../helpers/stripe.js';
import { runCli, startCli } from './support/cli-process.js';
import { cliEnvironment, createConnection, createMerchant, freePort, startRealHub, type Merchant, type RealHub } from './support/real-hub.js';

describe('conversion-hub events tail', () => {
  let hub: RealHub;
  let merchant: Merchant;
  let environment: Record<string, string>;
  let stripeConnection: string;
  let paddleConnection: string;

  beforeAll(async () => {
    hub = await startRealHub();
    merchant = await createMerchant(hub.url);
    environment = cliEnvironment(hub, merchant.readKey);
    stripeConnection = (await createConnection(hub.url, merchant, { provider: 'stripe', secrets: [STRIPE_SECRET] })).id;
    paddleConnection = (await createConnection(hub.url, merchant, { provider: 'paddle', secrets: [PADDLE_SECRET] })).id;
  }, 90_000);
  afterAll(() => hub.stop());

  const triggerBoth = async () => {
    const stripe = await runCli(['trigger', 'stripe', 'checkout.session.completed', '--connection', stripeConnection, '--secret', STRIPE_SECRET, '--click', merchant.clickId, '--json'], environment);
    const paddle = await runCli(['trigger', 'paddle', 'transaction.completed', '--connection', paddleConnection, '--secret', PADDLE_SECRET, '--click', merchant.clickId, '--json'], environment);
    expect([stripe.code, paddle.code]).toEqual([0, 0]);
    type Result = { eventId: string; conversions: { id: string }[] };
    return [JSON.parse(stripe.stdout) as Result, JSON.parse(paddle.stdout) as Result];
  };

  it('shows each event as it arrives and once processed, with its conversion and trace, until Ctrl-C (exit 0)', async () => {
    const tail = startCli(['events', 'tail', '--interval', '0.2', '--last', '0'], environment);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [stripe, paddle] = await triggerBoth();
    for (const [provider, type, result] of [['stripe', 'checkout.session.completed', stripe], ['paddle', 'transaction.completed', paddle]] as const) {
      const conversionId = result?.conversions[0]?.id ?? 'none';
      await tail.waitFor(new RegExp(`${provider}\\s+${type.replace(/\./g, '\\.')}\\s+processed\\s+${conversionId}\\s+${result?.eventId ?? ''}\\n(\\s+· .+\\n)*\\s+· .*click ${merchant.clickId} → affiliate ${merchant.affiliateId}`));
    }
    expect(tail.stdout()).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d stripe\\s+checkout\\.session\\.completed\\s+(received|processed)`, 'm'));
    const run = await tail.interrupt();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('prints one JSON object a line with --json, and recent history first with --last', async () => {
    const tail = startCli(['events', 'tail', '--json', '--last', '2', '--provider', 'stripe', '--interval', '0.2'], environment);
    await tail.waitFor(/\n/);
    const [stripe] = await triggerBoth();
    await tail.waitFor(new RegExp(`"id":"${stripe?.eventId ?? ''}"[^\\n]*"status":"processed"`));
    const run = await tail.interrupt();
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { change: string; provider: string; status: string; trace: string[] });
    expect(lines.every((line) => line.provider === 'stripe')).toBe(true);
    expect(lines.slice(0, 2).map((line) => line.change)).toEqual(['new', 'new']);
    expect(lines.at(-1)?.trace.length).toBeGreaterThan(0);
  });

  it('exits 3 when the hub cannot be reached, and 2 without a key', async () => {
    const unreachable = await runCli(['events', 'tail'], { HUB_URL: `http://127.0.0.1:${await freePort()}`, HUB_API_KEY: merchant.readKey });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/cannot reach the hub/);
    const noKey = await runCli(['events', 'tail'], { HUB_URL: hub.url });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/needs a merchant key/);
  });
});
