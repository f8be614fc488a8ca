/**
 * Batched processing: a claim's events are decided together over state loaded for all of them, and
 * written in one transaction of a few statements — and every event ends exactly as it does processed
 * one by one: status, reason, trace, conversion, ledger and outbound events, whatever else shares the
 * batch (a second event of the same order, its refund, an unapproved affiliate, a tiered campaign, an
 * unknown click, test mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '../helpers/statement-counter.js';
import {
  attributedStripeFixture,
  conversionsOf,
  sendStripeEvent,
  setUpStripeMerchant,
  stripeFixture,
  withStripeAttribution,
  type StripeFixture,
  type StripeMerchant,
} from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const CURRENCIES = [['usd', 4950], ['jpy', 4990], ['kwd', 12340]] as const;

/** A new paid PaymentIntent (its own order), attributed to the click. */
function purchase(name: string, index: number, attribution: { clickId: string; visitorId?: string | null; programId?: string | null }): StripeFixture {
  const [currency, amount] = CURRENCIES[index % CURRENCIES.length] ?? CURRENCIES[0];
  const event = stripeFixture('payment_intent.succeeded.1');
  // KWD amounts in Stripe end in 0; adding tens keeps every currency's amount valid.
  const object = { ...event.data.object, id: `pi_${name}_${index}`, currency, amount: amount + index * 10, amount_received: amount + index * 10 };
  return withStripeAttribution({ ...event, id: `evt_${name}_${index}`, data: { ...event.data, object } },
    { clickId: attribution.clickId, visitorId: attribution.visitorId ?? null, programId: attribution.programId ?? null });
}

async function addClick(merchant: StripeMerchant, campaignId: string, status: 'pending' | 'approved'): Promise<string> {
  const created = await merchant.api.post('/api/v1/affiliates', { name: 'Other', email: `${status}@affiliates.test`, campaignId, status }).expect(201);
  const click = await merchant.api.post('/api/v1/clicks', { campaignId, affiliateId: created.body.data.id }).expect(201);
  return click.body.data.clickId as string;
}

/** Everything the events led to, with the hub's random ids replaced by labels in order of appearance. */
async function outcomeOf(hub: TestHub, merchant: StripeMerchant): Promise<string> {
  const { db } = hub.database;
  const events = await db.selectFrom('inbound_event').select(['provider_event_id', 'status', 'reason', 'trace', 'conversion_ids', 'waiting_for', 'error'])
    .where('connection_id', '=', merchant.connectionId).orderBy('provider_event_id').execute();
  const conversions = (await conversionsOf(merchant)).sort((first, second) => first.orderId.localeCompare(second.orderId));
  const outbound = await db.selectFrom('outbound_event').innerJoin('conversion', (join) => join.onRef('conversion.merchant_id', '=', 'outbound_event.merchant_id')
    .onRef('conversion.id', '=', 'outbound_event.conversion_id'))
    .select(['conversion.order_id', 'outbound_event.type', 'outbound_event.body']).where('conversion.source', '=', 'stripe')
    .where('conversion.campaign_id', 'in', conversions.length > 0 ? conversions.map((conversion) => conversion.campaignId as string) : ['none'])
    .orderBy('conversion.order_id').orderBy('outbound_event.sequence').execute();
  const deliveries = await db.selectFrom('webhook_delivery').select(['event_type', 'status'])
    .where('event_id', 'in', (await db.selectFrom('outbound_event').select('id').where('conversion_id', 'in', conversions.map((conversion) => conversion.id).concat('none')).execute())
      .map((row) => row.id).concat('none'))
    .orderBy('event_type').execute();
  const labels = new Map<string, string>();
  return JSON.stringify({ events, conversions, outbound, deliveries }, null, 1)
    .replace(/\b(mer|camp|aff|clk|vis|conv|ev|con|we|whd|msg)_[0-9A-Za-z]{22}\b/g, (id, prefix: string) => {
      if (!labels.has(id)) labels.set(id, `${prefix}#${labels.size}`);
      return labels.get(id) ?? id;
    });
}

/** One merchant's mixed delivery stream, sent in this order to the hub, then processed in one drain. */
async function deliverMixedStream(hub: TestHub): Promise<StripeMerchant> {
  const merchant = await setUpStripeMerchant(hub);
  await merchant.api.post('/api/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['conversion.created', 'conversion.updated', 'conversion.reversed'] }).expect(201);
  const pendingClick = await addClick(merchant, merchant.campaignId, 'pending');
  const tiered = await merchant.api.post('/api/v1/campaigns', { name: 'Tiers', currency: 'USD', commission: { type: 'tiered', tiers: [{ from: 1, rate: 10 }, { from: 2, rate: 30 }] } }).expect(201);
  const tieredClick = await addClick(merchant, tiered.body.data.id as string, 'approved');

  const stream: StripeFixture[] = [
    ...Array.from({ length: 10 }, (_, index) => purchase('plain', index, { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId })),
    // One sale seen twice, then its refund: the second report re-itemises nothing new, the refund applies.
    attributedStripeFixture('checkout.session.completed.1', merchant),
    attributedStripeFixture('payment_intent.succeeded.1', merchant),
    stripeFixture('charge.refunded.1'),
    purchase('pending_affiliate', 0, { clickId: pendingClick }),
    // Tiered: its rate depends on the affiliate's count this month, so it is recorded on its own.
    purchase('tiered', 1, { clickId: tieredClick }),
    purchase('unknown_click', 0, { clickId: 'clk_000000000000000000none' }),
    attributedStripeFixture('payment_intent.succeeded.3', merchant),
  ];
  for (const event of stream) {
    await sendStripeEvent(hub, merchant.connectionId, event).expect(200);
    hub.clock.advance(1);
  }
  await hub.services.processor.drain();
  return merchant;
}

describe('batched processing', () => {
  let reference: TestHub;
  let batched: TestHub;
  const referenceCounter = statementCounter();
  const batchedCounter = statementCounter();
  beforeAll(async () => {
    const environment = { HUB_ALLOW_PRIVATE_NETWORK: '1' };
    [reference, batched] = await Promise.all([
      createTestHub({ environment, processInBackground: false, processor: { concurrency: 1, batchSize: 1 }, databasePlugins: [referenceCounter] }),
      createTestHub({ environment, processInBackground: false, processor: { batchSize: 64 }, databasePlugins: [batchedCounter] }),
    ]);
  });
  afterAll(async () => Promise.all([reference?.close(), batched?.close()]));

  it('ends every event, conversion, ledger and outbound event exactly as processing them one by one does', async () => {
    const expected = await outcomeOf(reference, await deliverMixedStream(reference));
    const actual = await outcomeOf(batched, await deliverMixedStream(batched));
    expect(actual).toBe(expected);

    // And the outcome is the right one, not merely the same.
    const outcome = JSON.parse(actual) as { events: { provider_event_id: string; status: string; reason: string | null }[]; conversions: { orderId: string; currency: string; refundedAmount: number }[] };
    expect(outcome.events.filter((event) => event.status === 'processed')).toHaveLength(14);
    expect(outcome.events.filter((event) => event.status !== 'processed').map((event) => [event.provider_event_id, event.status, event.reason])).toEqual([
      ['evt_pending_affiliate_0', 'ignored', 'affiliate_not_approved'],
      [stripeFixture('payment_intent.succeeded.3').id, 'ignored', 'test_mode'],
      ['evt_unknown_click_0', 'ignored', 'unattributed'],
    ].sort((first, second) => String(first[0]).localeCompare(String(second[0]))));
    expect(outcome.conversions.map((conversion) => conversion.currency).sort()).toEqual(expect.arrayContaining(['JPY', 'KWD', 'USD']));
    expect(outcome.conversions).toHaveLength(12);
    expect(outcome.conversions.find((conversion) => conversion.orderId === 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5')?.refundedAmount).toBe(10);
  });

  it('records forty plain purchases with a handful of statements, not a dozen per event', async () => {
    const run = async (hub: TestHub, counter: { statements: number }) => {
      const merchant = await setUpStripeMerchant(hub);
      for (let index = 0; index < 40; index += 1) {
        await sendStripeEvent(hub, merchant.connectionId, purchase('many', index, { clickId: merchant.clickId })).expect(200);
      }
      const before = counter.statements;
      await hub.services.processor.drain();
      const statements = counter.statements - before;
      const conversions = await conversionsOf(merchant);
      return { statements, conversions: conversions.length, amounts: conversions.map((conversion) => `${conversion.amount} ${String(conversion.currency)}`).sort() };
    };
    const one = await run(reference, referenceCounter);
    const many = await run(batched, batchedCounter);
    expect(many.conversions).toBe(40);
    expect(many.amounts).toEqual(one.amounts);
    // The claim, the transaction, the orders' locks, four reads, four writes, the event endings, the
    // wake — and the drain's last, empty claim: the same handful for 40 events as for one.
    expect(many.statements).toBeLessThanOrEqual(16);
    expect(one.statements).toBeGreaterThan(40 * 10);
  });
});
