/**
 * `conversion-hub trigger` end to end (issue 15): the real CLI process sends each processor's
 * purchase to a real hub process — signed with the processor's scheme (Stripe, Paddle, Lemon
 * Squeezy, WooCommerce), with Gumroad's URL token, or as GoPay's bare notification with `trigger`
 * playing GoPay's API — then prints the outcome, the conversion and the trace. A story's follow-up
 * (a refund) lands on the same order; a wrong secret, an unusable GoPay connection, an unknown
 * event and an unreachable hub each end with their documented exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHub } from '../faults/support/hub-api.js';
import { LEMON_SQUEEZY_SECRET } from '../helpers/lemonsqueezy.js';
import { PADDLE_SECRET } from '../helpers/paddle.js';
import { STRIPE_SECRET } from '../helpers/stripe.js';
import { WOO_SECRET, WOO_STORE_URL } from '../helpers/woocommerce.js';
import { listCatalog } from '../../src/cli/trigger/fixture-catalog.js';
import { runCli } from './support/cli-process.js';
import { cliEnvironment, createConnection, createMerchant, freePort, startRealHub, type Connection, type Merchant, type RealHub } from './support/real-hub.js';

const GOPAY_CLIENT = { goid: 8123456789, clientId: '1061399163', clientSecret: 'gopay-client-secret-for-trigger' };

interface ConversionView {
  id: string;
  orderId: string;
  affiliateId: string;
  commission: number;
  amount: number;
}

describe('conversion-hub trigger', () => {
  let hub: RealHub;
  let merchant: Merchant;
  const connections: Record<string, Connection> = {};
  let gumroadToken = '';
  let environment: Record<string, string>;

  beforeAll(async () => {
    hub = await startRealHub();
    merchant = await createMerchant(hub.url);
    environment = cliEnvironment(hub, merchant.readKey);
    const gopayPort = await freePort();
    const bodies: Record<string, Record<string, unknown>> = {
      stripe: { provider: 'stripe', secrets: [STRIPE_SECRET] },
      paddle: { provider: 'paddle', secrets: [PADDLE_SECRET] },
      lemonsqueezy: { provider: 'lemonsqueezy', secrets: [LEMON_SQUEEZY_SECRET] },
      woocommerce: { provider: 'woocommerce', secrets: [WOO_SECRET], options: { storeUrl: WOO_STORE_URL } },
      gumroad: { provider: 'gumroad' },
      gopay: { provider: 'gopay', options: { ...GOPAY_CLIENT, apiBase: `http://127.0.0.1:${gopayPort}/api` } },
      gopayAtGoPay: { provider: 'gopay', options: GOPAY_CLIENT },
    };
    for (const [name, body] of Object.entries(bodies)) connections[name] = await createConnection(hub.url, merchant, body);
    gumroadToken = new URL(connections.gumroad?.webhookUrl ?? '').searchParams.get('token') ?? '';
  }, 90_000);
  afterAll(() => hub.stop());

  const connectionId = (name: string) => connections[name]?.id ?? '';
  const conversion = async (id: string) => (await callHub<{ data: ConversionView }>(hub.url, 'GET', `/api/v1/conversions/${id}`, merchant.readKey)).body.data;

  it('lists every event of every processor it can send', async () => {
    const run = await runCli(['trigger', '--list']);
    expect(run.code).toBe(0);
    for (const entry of listCatalog()) expect(run.stdout).toMatch(new RegExp(`^${entry.provider}\\s+${entry.event.replace(/\./g, '\\.')}\\s+fixtures ${entry.variants.join(', ')}$`, 'm'));
    expect(new Set(listCatalog().map((entry) => entry.provider))).toEqual(new Set(['stripe', 'paddle', 'lemonsqueezy', 'gumroad', 'gopay', 'woocommerce']));
    const json = JSON.parse((await runCli(['trigger', '--list', '--json'])).stdout) as unknown[];
    expect(json).toEqual(listCatalog());
  });

  const purchases: [string, string, string | (() => string)][] = [
    ['stripe', 'checkout.session.completed', STRIPE_SECRET],
    ['paddle', 'transaction.completed', PADDLE_SECRET],
    ['lemonsqueezy', 'order_created', LEMON_SQUEEZY_SECRET],
    ['woocommerce', 'order.updated', WOO_SECRET],
    ['gumroad', 'sale', () => gumroadToken],
    ['gopay', 'payment.PAID', GOPAY_CLIENT.clientSecret],
  ];

  it.each(purchases)('sends a signed %s %s, waits, and prints the conversion it became and its trace', async (provider, event, secret) => {
    const run = await runCli(['trigger', provider, event, '--connection', connectionId(provider), '--secret', typeof secret === 'string' ? secret : secret(), '--click', merchant.clickId], environment);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^delivered to ${hub.url}/webhooks/${provider}/${connectionId(provider)}: stored as ev_\\w+ \\(story \\w+\\)$`, 'm'));
    expect(run.stdout).toMatch(/^outcome: processed$/m);
    const conversionId = /^conversion (conv_\w+): order \S+, [\d.]+ [A-Z]{3}, commission [\d.]+ [A-Z]{3} to (aff_\w+), pending$/m.exec(run.stdout);
    expect(conversionId?.[2]).toBe(merchant.affiliateId);
    expect(run.stdout).toMatch(new RegExp(`^trace:\\n(  .+\\n)*  .*click ${merchant.clickId} → affiliate ${merchant.affiliateId}`, 'm'));
    expect((await conversion(conversionId?.[1] ?? '')).affiliateId).toBe(merchant.affiliateId);
  });

  it('gives every trigger a new order, and a follow-up with --story lands on the same one', async () => {
    const args = ['trigger', 'stripe', 'checkout.session.completed', '--connection', connectionId('stripe'), '--secret', STRIPE_SECRET, '--click', merchant.clickId, '--json'];
    const first = JSON.parse((await runCli(args, environment)).stdout) as { story: string; conversions: ConversionView[] };
    const second = JSON.parse((await runCli(args, environment)).stdout) as { story: string; conversions: ConversionView[] };
    expect(first.story).not.toBe(second.story);
    expect(first.conversions[0]?.orderId).not.toBe(second.conversions[0]?.orderId);

    const refund = await runCli(['trigger', 'stripe', 'charge.refunded', '--connection', connectionId('stripe'), '--secret', STRIPE_SECRET, '--story', first.story], environment);
    expect(refund.code, refund.stderr).toBe(0);
    expect(refund.stdout).toContain(`conversion ${first.conversions[0]?.id ?? ''}`);
    const refunded = await conversion(first.conversions[0]?.id ?? '');
    expect(refunded.commission).toBeLessThan(first.conversions[0]?.commission ?? 0);

    const again = await runCli(['trigger', 'stripe', 'charge.refunded', '--connection', connectionId('stripe'), '--secret', STRIPE_SECRET, '--story', first.story], environment);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/a re-delivery of ev_\w+, already stored/);
    expect((await conversion(first.conversions[0]?.id ?? '')).commission).toBe(refunded.commission);
  });

  it('sends no attribution without --click, and the hub says the sale is unattributed', async () => {
    const run = await runCli(['trigger', 'paddle', 'transaction.completed', '--connection', connectionId('paddle'), '--secret', PADDLE_SECRET], environment);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^outcome: ignored \(unattributed\)$/m);
  });

  it('returns once stored with --no-wait, which needs no key', async () => {
    const run = await runCli(['trigger', 'lemonsqueezy', 'order_created', '--connection', connectionId('lemonsqueezy'), '--secret', LEMON_SQUEEZY_SECRET, '--no-wait', '--hub', hub.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/stored as ev_\w+/);
    expect(run.stdout).not.toMatch(/outcome:/);
  });

  it('exits 1 when the hub refuses the signature, with the hub’s reason', async () => {
    const run = await runCli(['trigger', 'stripe', 'checkout.session.completed', '--connection', connectionId('stripe'), '--secret', 'whsec_not_the_secret'], environment);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the hub refused the delivery .*: 400 invalid_signature/);
  });

  it('refuses GoPay against a connection whose API is GoPay’s own, saying what would work (exit 2)', async () => {
    const run = await runCli(['trigger', 'gopay', 'payment.PAID', '--connection', connectionId('gopayAtGoPay'), '--secret', GOPAY_CLIENT.clientSecret], environment);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no options\.apiBase, so the hub asks GoPay itself.*"apiBase": "http:\/\/127\.0\.0\.1:<port>\/api".*HUB_ALLOW_PRIVATE_NETWORK=1/);
  });

  it('exits 2 for what it cannot send and 3 for a hub it cannot reach', async () => {
    const unknownEvent = await runCli(['trigger', 'stripe', 'charge.exploded', '--connection', connectionId('stripe'), '--secret', STRIPE_SECRET], environment);
    expect(unknownEvent.code).toBe(2);
    expect(unknownEvent.stderr).toMatch(/stripe has no event "charge.exploded" to send; it has: .*checkout.session.completed/);
    const wrongProvider = await runCli(['trigger', 'paddle', 'transaction.completed', '--connection', connectionId('stripe'), '--secret', PADDLE_SECRET], environment);
    expect(wrongProvider.code).toBe(2);
    expect(wrongProvider.stderr).toMatch(/is a stripe connection, not paddle/);
    const noSecret = await runCli(['trigger', 'paddle', 'transaction.completed', '--connection', connectionId('paddle')], environment);
    expect(noSecret.code).toBe(2);
    const unreachable = await runCli(['trigger', 'stripe', 'checkout.session.completed', '--connection', connectionId('stripe'), '--secret', STRIPE_SECRET],
      { ...environment, HUB_URL: `http://127.0.0.1:${await freePort()}` });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/cannot reach the hub/);
  });
});
