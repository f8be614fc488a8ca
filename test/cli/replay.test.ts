/**
 * `conversion-hub replay` (issue 15). End to end against a real hub process: a GoPay delivery that
 * failed (the hub could not read the payment: `trigger` played GoPay with the wrong client secret)
 * is listed by a dry run, which changes nothing; a replay while GoPay still refuses exits 1; once
 * GoPay answers, the replay processes it and exits 0. The filters — status, provider, `--since` —
 * are checked in this process against a hub whose clock the test sets, with events days apart.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli as runCliInProcess } from '../../src/cli/program.js';
import { loadFixtureFile } from '../../src/cli/trigger/fixture-catalog.js';
import { rewriteStoryIds } from '../../src/cli/trigger/story-ids.js';
import { startGoPayApiDouble, type GoPayPayment } from '../../src/doubles/gopay-api-double.js';
import { callHub } from '../faults/support/hub-api.js';
import { attributedPaddleFixture, sendPaddleEvent, setUpPaddleMerchant } from '../helpers/paddle.js';
import { createTestHub } from '../helpers/test-hub.js';
import { runCli } from './support/cli-process.js';
import { createConnection, createMerchant, freePort, startRealHub, type Merchant, type RealHub } from './support/real-hub.js';

const GOPAY_CLIENT = { goid: 8123456789, clientId: '1061399163', clientSecret: 'the-right-client-secret' };

interface EventView {
  id: string;
  status: string;
  attempts: number;
  conversionIds: string[];
}

describe('conversion-hub replay against a real hub', () => {
  let hub: RealHub;
  let merchant: Merchant;
  let gopayPort: number;
  let failed: { eventId: string; story: string };

  beforeAll(async () => {
    hub = await startRealHub();
    merchant = await createMerchant(hub.url);
    gopayPort = await freePort();
    const connection = await createConnection(hub.url, merchant, { provider: 'gopay', options: { ...GOPAY_CLIENT, apiBase: `http://127.0.0.1:${gopayPort}/api` } });
    const run = await runCli(['trigger', 'gopay', 'payment.PAID', '--connection', connection.id, '--secret', 'a-wrong-client-secret', '--click', merchant.clickId, '--json'],
      { HUB_URL: hub.url, HUB_API_KEY: merchant.readKey });
    expect(run.code).toBe(1);
    failed = JSON.parse(run.stdout) as { eventId: string; story: string };
  }, 90_000);
  afterAll(() => hub.stop());

  const event = async () => (await callHub<{ data: EventView }>(hub.url, 'GET', `/api/v1/events/${failed.eventId}`, merchant.readKey)).body.data;
  const replay = (...args: string[]) => runCli(['replay', '--status', 'failed', '--provider', 'gopay', '--since', '1h', ...args], { HUB_URL: hub.url, HUB_API_KEY: merchant.writeKey });

  it('lists what it would replay with --dry-run, and changes nothing', async () => {
    const before = await event();
    expect(before.status).toBe('failed');
    const run = await replay('--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`would replay ${failed.eventId}  gopay payment_notification  failed`);
    expect(run.stdout).toMatch(/^1 event\(s\) match; nothing was replayed \(dry run\)$/m);
    expect((await event()).attempts).toBe(before.attempts);
  });

  it('exits 1 while the replayed event still fails, and 0 once it is processed', async () => {
    const stillFailing = await replay();
    expect(stillFailing.code).toBe(1);
    expect(stillFailing.stdout).toMatch(new RegExp(`^${failed.eventId}  gopay payment_notification  failed → failed: GoPay`, 'm'));
    expect(stillFailing.stdout).toMatch(/^1 matched, 0 replayed, 1 failed$/m);

    // GoPay answers now, with the right credentials, for the payment the trigger's story named.
    const gopay = await startGoPayApiDouble({ clientId: GOPAY_CLIENT.clientId, clientSecret: GOPAY_CLIENT.clientSecret, port: gopayPort });
    try {
      const payment = rewriteStoryIds(loadFixtureFile<GoPayPayment>('gopay', 'payment.PAID.1'), failed.story);
      gopay.setPayment({ ...payment, additional_params: [{ name: 'click_id', value: merchant.clickId }] });
      const fixed = await replay();
      expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
      expect(fixed.stdout).toMatch(new RegExp(`^${failed.eventId}  gopay payment_notification  failed → processed$`, 'm'));
      expect((await event()).conversionIds).toHaveLength(1);
    } finally {
      await gopay.close();
    }
    const nothingLeft = await replay();
    expect(nothingLeft.stdout).toMatch(/^0 matched, 0 replayed, 0 failed$/m);
    expect(nothingLeft.code).toBe(0);
  });

  it('needs a write key to replay (exit 3) and a filter (exit 2)', async () => {
    const readKey = await runCli(['replay', '--status', 'processed'], { HUB_URL: hub.url, HUB_API_KEY: merchant.readKey });
    expect(readKey.code).toBe(3);
    expect(readKey.stderr).toMatch(/403.*replay needs a write key/);
    const noFilter = await runCli(['replay'], { HUB_URL: hub.url, HUB_API_KEY: merchant.writeKey });
    expect(noFilter.code).toBe(2);
  });
});

describe('replay filters', () => {
  it('replays only the events of the status, provider and time asked for', async () => {
    const now = new Date();
    const hub = await createTestHub({ start: new Date(now.getTime() - 3 * 86_400_000) });
    const output = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const merchant = await setUpPaddleMerchant(hub);
      // Three days ago, an unreadable (failed) Paddle delivery and a processed one; now, another failed one.
      const old = (await sendPaddleEvent(hub, merchant.connectionId, '{"event_type": "transaction.completed", "data": ').expect(200)).body.eventId as string;
      await sendPaddleEvent(hub, merchant.connectionId, attributedPaddleFixture('transaction.completed.1', merchant)).expect(200);
      await hub.services.processor.drain();
      hub.clock.set(now);
      const recent = (await sendPaddleEvent(hub, merchant.connectionId, '{"event_type": "adjustment.created", "data": ', { timestamp: Math.floor(now.getTime() / 1000) }).expect(200)).body.eventId as string;
      await hub.services.processor.drain();

      const cli = (...args: string[]) => runCliInProcess(['node', 'conversion-hub', '--hub', hub.url, '--key', merchant.writeKey, 'replay', ...args, '--json']);
      const printed = () => output.mock.calls.map(([text]) => String(text)).join('');
      const summaries = () => printed().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

      expect(await cli('--status', 'failed', '--provider', 'paddle', '--since', '2d', '--dry-run')).toBe(0);
      expect(summaries().map((line) => (line.wouldReplay as { id?: string } | undefined)?.id ?? line.matched)).toEqual([recent, 1]);
      output.mockClear();
      expect(await cli('--status', 'failed', '--provider', 'paddle', '--since', '4d', '--dry-run')).toBe(0);
      expect(summaries().flatMap((line) => ((line.wouldReplay as { id?: string } | undefined)?.id ? [(line.wouldReplay as { id: string }).id] : []))).toEqual([recent, old]);
      output.mockClear();
      expect(await cli('--status', 'failed', '--provider', 'stripe', '--dry-run')).toBe(0);
      expect(summaries()).toEqual([{ dryRun: true, matched: 0 }]);
      output.mockClear();
      expect(await cli('--provider', 'paddle', '--status', 'processed')).toBe(0);
      expect(summaries().at(-1)).toEqual({ matched: 1, replayed: 1, failed: 0, interrupted: false });
    } finally {
      output.mockRestore();
      await hub.close();
    }
  });
});
