/**
 * The bench's load: signed Stripe `payment_intent.succeeded` deliveries, each a new purchase attributed
 * to the bench's click, sent by autocannon; and the merchant set-up a hub needs to receive them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import Stripe from 'stripe';

export const SECRET = 'whsec_bench_0123456789abcdefghijklmnop';
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/stripe/payment_intent.succeeded.1.json', import.meta.url), 'utf8')) as Record<string, unknown> & { data: { object: Record<string, unknown> } };

export type NextDelivery = () => { body: string; header: string };

/** Each request a new purchase: unique event id and PaymentIntent, attributed to the bench click. */
export function deliveryFactory(attribution: { clickId: string; programId: string }): NextDelivery {
  let sequence = 0;
  const run = randomBytes(4).toString('hex');
  return () => {
    sequence += 1;
    const id = `${run}${sequence}`;
    const object = { ...FIXTURE.data.object, id: `pi_bench_${id}`, metadata: { click_id: attribution.clickId, program_id: attribution.programId } };
    const body = JSON.stringify({ ...FIXTURE, id: `evt_bench_${id}`, created: Math.floor(Date.now() / 1000), data: { ...FIXTURE.data, object } });
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    return { body, header };
  };
}

export interface LoadResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
}

export async function load(url: string, options: { connections: number; seconds: number; rate?: number; next: NextDelivery }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [{
      method: 'POST',
      setupRequest: (request) => {
        const delivery = options.next();
        return { ...request, body: delivery.body, headers: { 'content-type': 'application/json', 'stripe-signature': delivery.header } };
      },
    }],
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, non2xx };
}

async function hubRequest(baseUrl: string, path: string, body: unknown, key = ADMIN_TOKEN): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

/** A merchant, campaign, affiliate, click and Stripe connection on the hub: where the deliveries go and how to make them. */
export async function setUpMerchant(hubUrl: string): Promise<{ webhookUrl: string; next: NextDelivery; apiKey: string }> {
  const merchant = await hubRequest(hubUrl, '/admin/v1/merchants', { name: 'Bench' });
  const key = (merchant.apiKeys as { write: string }).write;
  const campaign = await hubRequest(hubUrl, '/api/v1/campaigns', { name: 'Bench', currency: 'USD', commission: { type: 'percent', rate: 20 } }, key);
  const affiliate = await hubRequest(hubUrl, '/api/v1/affiliates', { name: 'Bench', email: 'bench@example.com', campaignId: campaign.id }, key);
  const click = await hubRequest(hubUrl, '/api/v1/clicks', { campaignId: campaign.id, affiliateId: affiliate.id }, key);
  const connection = await hubRequest(hubUrl, '/api/v1/connections', { provider: 'stripe', campaignId: campaign.id, secrets: [SECRET] }, key);
  return {
    webhookUrl: `${hubUrl}/webhooks/stripe/${String(connection.id)}`,
    next: deliveryFactory({ clickId: String(click.clickId), programId: String(campaign.id) }),
    apiKey: key,
  };
}

/** Stored events not yet processed, as the merchant API reports them (works on any backend, PGlite's single session included). */
export async function unprocessedEvents(hubUrl: string, apiKey: string): Promise<number> {
  const response = await fetch(`${hubUrl}/api/v1/events?status=received&perPage=1`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw new Error(`/api/v1/events: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { pagination: { total: number } }).pagination.total;
}

/** Polls until nothing is left to process; returns the seconds it took. */
export async function untilProcessed(pending: () => Promise<number>): Promise<number> {
  const started = Date.now();
  while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  return (Date.now() - started) / 1000;
}
