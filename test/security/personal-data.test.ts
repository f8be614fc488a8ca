/**
 * Buyers' personal data at rest (issue 11 point 5, SPEC §13): deliveries from five processors carry
 * buyers' names, emails, phone numbers, street addresses and IPs; afterwards not one text, json or
 * bytea column of any table holds them in clear, the event log shows the payloads with those fields
 * masked, and raw deliveries of settled events are dropped after the retention period while what
 * they became stays.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { attributedGoPayPayment, deliverGoPay, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, Q1, setUpGoPayMerchant } from '../helpers/gopay.js';
import { attributedGumroadFixture, deliverGumroad, setUpGumroadMerchant } from '../helpers/gumroad.js';
import { attributedLemonSqueezyFixture, deliverLemonSqueezy, setUpLemonSqueezyMerchant } from '../helpers/lemonsqueezy.js';
import { attributedStripeFixture, conversionsOf, eventOf, sendStripeEvent, setUpStripeMerchant, stripeFixture } from '../helpers/stripe.js';
import { attributedWooDelivery, deliverWoo, setUpWooMerchant } from '../helpers/woocommerce.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

/** What the fixtures say about their buyers (see fixtures/README.md). */
const PERSONAL_DATA = [
  'maya.okonkwo@example.com', 'Maya Okonkwo', '1418 SE Morrison St', // Stripe checkout.session.completed.1
  'john.doe@example.com', 'Doe', '969 Market St', '(555) 555-5555', '203.0.113.42', // WooCommerce order.created.1
  'jana.novak@example.net', 'Jana Novak', // Gumroad sale.1
  'maya.fischer@example.com', 'Maya Fischer', // Lemon Squeezy order_created.1
  'tereza.dvorakova@example.cz', 'Dvořáková', 'Údolní 53', '+420601234567', // GoPay payment.PAID.1 (read from its API)
];

/** Every value of every text, json(b) and bytea column of every table, as text. */
async function everyStoredText(hub: TestHub): Promise<string> {
  const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns
     where table_schema = 'public' and data_type in ('text', 'json', 'jsonb', 'bytea', 'character varying')
       and table_name not like 'kysely_%'`.execute(hub.database.db);
  const parts: string[] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns.rows) {
    const rows = await sql<{ value: unknown }>`select ${sql.ref(column)} as value from ${sql.table(table)}`.execute(hub.database.db);
    for (const { value } of rows.rows) {
      if (value === null || value === undefined) continue;
      if (type === 'bytea') parts.push(Buffer.from(value as Uint8Array).toString('utf8'), Buffer.from(value as Uint8Array).toString('latin1'));
      else parts.push(typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return parts.join('\n');
}

describe('buyers’ personal data at rest', () => {
  let hub: TestHub;
  let double: GoPayApiDouble;
  const eventIds: { provider: string; eventId: string; readKey: () => Promise<Record<string, unknown>> }[] = [];
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });

    const stripe = await setUpStripeMerchant(hub);
    const [stripeEvent] = [(await sendStripeEvent(hub, stripe.connectionId, attributedStripeFixture('checkout.session.completed.1', stripe)).expect(200)).body.eventId as string];
    eventIds.push({ provider: 'stripe', eventId: stripeEvent ?? '', readKey: async () => (await stripe.api.get(`/api/v1/events/${stripeEvent}`).expect(200)).body.data });

    const woo = await setUpWooMerchant(hub);
    const [wooEvent] = await deliverWoo(hub, woo, [attributedWooDelivery('order.created.1', woo)]);
    eventIds.push({ provider: 'woocommerce', eventId: wooEvent ?? '', readKey: async () => (await woo.api.get(`/api/v1/events/${wooEvent}`).expect(200)).body.data });

    const gumroad = await setUpGumroadMerchant(hub);
    const [gumroadEvent] = await deliverGumroad(hub, gumroad, [attributedGumroadFixture('sale.1', gumroad)]);
    eventIds.push({ provider: 'gumroad', eventId: gumroadEvent ?? '', readKey: async () => (await gumroad.api.get(`/api/v1/events/${gumroadEvent}`).expect(200)).body.data });

    const lemon = await setUpLemonSqueezyMerchant(hub);
    const [lemonEvent] = await deliverLemonSqueezy(hub, lemon, [attributedLemonSqueezyFixture('order_created.1', lemon)]);
    eventIds.push({ provider: 'lemonsqueezy', eventId: lemonEvent ?? '', readKey: async () => (await lemon.api.get(`/api/v1/events/${lemonEvent}`).expect(200)).body.data });

    const gopay = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', gopay));
    const [gopayEvent] = await deliverGoPay(hub, gopay, [Q1]);
    eventIds.push({ provider: 'gopay', eventId: gopayEvent ?? '', readKey: async () => (await gopay.api.get(`/api/v1/events/${gopayEvent}`).expect(200)).body.data });

    await hub.services.processor.drain();
    expect((await conversionsOf(stripe)).length).toBe(1);
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });

  it('keeps none of the buyers’ names, emails, phone numbers, addresses or IPs readable in any column', async () => {
    const stored = await everyStoredText(hub);
    expect(stored.length).toBeGreaterThan(1_000);
    for (const value of PERSONAL_DATA) expect(stored, value).not.toContain(value);
  });

  it('shows each payload in the event log with the personal fields masked and the rest intact', async () => {
    for (const { provider, readKey } of eventIds) {
      const event = await readKey();
      expect(['processed', 'ignored'], provider).toContain(event.status);
      const shown = JSON.stringify(event.payload);
      for (const value of PERSONAL_DATA) expect(shown, `${provider}: ${value}`).not.toContain(value);
    }
    const stripeEvent = await (eventIds.find((entry) => entry.provider === 'stripe')?.readKey() ?? Promise.reject(new Error('no stripe event')));
    const session = (stripeEvent.payload as { data: { object: Record<string, unknown> } }).data.object;
    expect(session.customer_details).toBe('[masked]');
    expect(session.amount_total).toBe(stripeFixture('checkout.session.completed.1').data.object.amount_total);
    expect(session.payment_intent).toBe(stripeFixture('checkout.session.completed.1').data.object.payment_intent);
  });
});

describe('raw payload retention', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, environment: { HUB_RAW_PAYLOAD_RETENTION_DAYS: '30' } });
  });
  afterAll(async () => hub.close());

  it('drops the raw delivery of a settled event after 30 days, keeps what it became, and keeps a waiting event’s', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const sale = (await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200)).body.eventId as string;
    // A refund of an order never seen: it waits, and must keep its body to be processed later.
    const refund = stripeFixture('charge.refunded.1');
    refund.data.object.payment_intent = 'pi_never_seen_by_the_hub';
    const waiting = (await sendStripeEvent(hub, merchant.connectionId, { ...refund, id: 'evt_refund_of_an_unknown_order' }).expect(200)).body.eventId as string;
    await hub.services.processor.drain();
    expect((await eventOf(merchant, waiting)).status).toBe('waiting');

    hub.clock.advance(29 * 86_400_000);
    expect((await hub.services.sweeper.runOnce()).payloadsDropped).toBe(0);
    hub.clock.advance(2 * 86_400_000);
    expect((await hub.services.sweeper.runOnce()).payloadsDropped).toBe(1);

    const dropped = (await merchant.api.get(`/api/v1/events/${sale}`).expect(200)).body.data;
    expect(dropped).toMatchObject({ status: 'processed', payload: { dropped: true } });
    expect(dropped.trace.length).toBeGreaterThan(1);
    const row = await hub.database.db.selectFrom('inbound_event').select(['raw_body', 'payload_key_id']).where('id', '=', sale).executeTakeFirstOrThrow();
    expect(row).toEqual({ raw_body: expect.objectContaining({ length: 0 }), payload_key_id: null });
    expect(await conversionsOf(merchant)).toHaveLength(1);
    const replay = await merchant.api.post(`/api/v1/events/${sale}/replay`);
    expect(replay.status).toBe(409);
    expect(replay.body.error.message).toMatch(/dropped after the retention period/);

    const kept = (await merchant.api.get(`/api/v1/events/${waiting}`).expect(200)).body.data;
    expect(kept.payload).toMatchObject({ type: 'charge.refunded' });
  });
});
