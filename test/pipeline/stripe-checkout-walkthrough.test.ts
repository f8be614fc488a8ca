/**
 * The Stripe walkthrough (docs/processors/stripe.md), end to end: an affiliate's link → `/r/:code` → the merchant's
 * landing page running `hub.js` → the merchant's server creating a Checkout Session with
 * `checkoutAttribution(...)` → the webhook events Stripe sends for that session → a conversion for
 * that affiliate. Payment mode and subscription mode.
 *
 * Stripe itself is the one part that cannot run here: where Stripe would copy the session's params
 * onto the objects it creates (session metadata, `payment_intent_data.metadata` → PaymentIntent,
 * `subscription_data.metadata` → the subscription's invoices), the test does that copying onto
 * events shaped like Stripe's, then signs them with Stripe's own algorithm.
 */
import { spawnSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutAttribution, type CheckoutAttributionParams } from '../../src/index.js';
import { conversionsOf, deliverStripe, stripeFixture, STRIPE_SECRET, type StripeFixture } from '../helpers/stripe.js';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';

/** The landing page: runs the hub's own hub.js against the URL the redirect sent the buyer to. */
async function landOn(hub: TestHub, landingUrl: string): Promise<{ visitorId: string | null; clickId: string | null }> {
  const script = (await hub.http.get('/hub.js').expect(200)).text;
  const cookies = new Map<string, string>();
  const url = new URL(landingUrl);
  const window: Record<string, unknown> = { location: { search: url.search, protocol: url.protocol } };
  const document = {
    currentScript: { getAttribute: () => null },
    get cookie() {
      return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    },
    set cookie(text: string) {
      const [pair = ''] = text.split(';');
      const [name = '', value = ''] = pair.split('=');
      cookies.set(name, value);
    },
  };
  runInNewContext(script, { window, document });
  const hubApi = window.conversionHub as { visitorId(): string | null; clickId(): string | null };
  return { visitorId: hubApi.visitorId(), clickId: hubApi.clickId() };
}

/** What Stripe does with the session params: copy them onto the objects of the events it sends. */
function asStripeWouldSend(event: StripeFixture, params: CheckoutAttributionParams): StripeFixture {
  const object = event.data.object;
  if (object.object === 'checkout.session') {
    object.metadata = params.metadata;
    object.client_reference_id = params.client_reference_id ?? null;
  }
  if (object.object === 'payment_intent' && 'payment_intent_data' in params) object.metadata = params.payment_intent_data.metadata;
  if (object.object === 'invoice' && 'subscription_data' in params) {
    const parent = object.parent as { subscription_details: { metadata: unknown } };
    parent.subscription_details.metadata = params.subscription_data.metadata;
    for (const line of (object.lines as { data: { metadata: unknown }[] }).data) line.metadata = params.subscription_data.metadata;
  }
  return event;
}

describe('the Stripe Checkout walkthrough', () => {
  let hub: TestHub;
  let api: ApiClient;
  let campaignId: string;
  let affiliateId: string;
  let connectionId: string;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    const merchant = await createMerchant(hub);
    api = apiClient(hub, merchant.writeKey);
    ({ campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, { recurring: 'lifetime' }));
    connectionId = (await api.post('/api/v1/connections', { provider: 'stripe', campaignId, secrets: [STRIPE_SECRET] }).expect(201)).body.data.id as string;
  });
  afterAll(async () => hub.close());

  async function clickThrough(): Promise<{ visitorId: string; clickId: string }> {
    const link = await api.post('/api/v1/links', { campaignId, affiliateId, destinationUrl: 'https://shop.test/pricing' }).expect(201);
    const redirect = await hub.http.get(new URL(link.body.data.url as string).pathname).expect(302);
    const landed = await landOn(hub, redirect.headers.location as string);
    expect(landed.visitorId).toMatch(/^vis_/);
    expect(landed.clickId).toMatch(/^clk_/);
    return { visitorId: landed.visitorId ?? '', clickId: landed.clickId ?? '' };
  }

  it('payment mode: the session and its PaymentIntent carry the click, and the sale is the affiliate’s', async () => {
    const { visitorId, clickId } = await clickThrough();
    const sessionParams = {
      mode: 'payment' as const,
      line_items: [{ price: 'price_1Pro', quantity: 1 }],
      success_url: 'https://shop.test/thanks',
      ...checkoutAttribution({ visitorId, clickId, programId: campaignId }, { mode: 'payment' }),
    };
    expect(sessionParams).toMatchObject({ client_reference_id: clickId, payment_intent_data: { metadata: { click_id: clickId, visitor_id: visitorId } } });
    await deliverStripe(hub, { connectionId }, [
      asStripeWouldSend(stripeFixture('payment_intent.succeeded.1'), sessionParams),
      asStripeWouldSend(stripeFixture('checkout.session.completed.1'), sessionParams),
    ]);
    const [conversion] = await conversionsOf({ api });
    expect(conversion).toMatchObject({ orderId: 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5', affiliateId, clickId, visitorId, campaignId, amount: 49.5, commission: 9 });
  });

  it('subscription mode: the first invoice and every renewal carry the click through the subscription metadata', async () => {
    const { visitorId, clickId } = await clickThrough();
    const sessionParams = {
      mode: 'subscription' as const,
      line_items: [{ price: 'price_1Monthly', quantity: 1 }],
      success_url: 'https://shop.test/thanks',
      ...checkoutAttribution({ visitorId, clickId, programId: campaignId }, { mode: 'subscription' }),
    };
    await deliverStripe(hub, { connectionId }, [
      asStripeWouldSend(stripeFixture('checkout.session.completed.2'), sessionParams),
      asStripeWouldSend(stripeFixture('invoice.paid.1'), sessionParams),
      stripeFixture('invoice_payment.paid.1'),
      asStripeWouldSend(stripeFixture('invoice.paid.2'), sessionParams),
    ]);
    const conversions = (await conversionsOf({ api })).filter((row) => row.clickId === clickId);
    expect(conversions.map((row) => [row.orderId, row.conversionType]).sort()).toEqual([
      ['in_1UcT4p7HnQ2eLx4KfhClnQuH', 'subscription'],
      ['in_1UjW8d7HnQ2eLx4KteoaJA1C', 'recurring'],
    ]);
    for (const conversion of conversions) expect(conversion).toMatchObject({ affiliateId, visitorId, campaignId });
  });

  // `npm test` builds the package first (pretest), as `npm ci` does (prepare).
  it('is importable by a merchant’s server from the package name', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e',
      "import { checkoutAttribution } from 'conversion-hub'; process.stdout.write(JSON.stringify(checkoutAttribution({ clickId: 'clk_1', visitorId: 'vis_2' }, { mode: 'subscription' })));"],
    { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ client_reference_id: 'clk_1', metadata: { visitor_id: 'vis_2', click_id: 'clk_1' }, subscription_data: { metadata: { visitor_id: 'vis_2', click_id: 'clk_1' } } });
  });
});
