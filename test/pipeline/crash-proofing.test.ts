/**
 * No stored event and no database failure stops the worker (issue 10 points 2 and 3): text the
 * database cannot hold is made storable, a failure that cannot be recorded is still recorded by a
 * minimal fallback, an event that keeps dying with its processor is quarantined as poison, claims are
 * kept alive while work runs, a connection lost while checked out is survived, and an authentic body
 * the adapter cannot read keeps one identity across the processor's retries. A rejection nobody
 * handles would fail these tests (vitest reports it), as it would have stopped the hub.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { claimDueEvents, POISON_AFTER_UNFINISHED_CLAIMS } from '../../src/db/repositories/inbound-event.repository.js';
import { isDatabaseUnavailable } from '../../src/db/database-errors.js';
import { attributedGoPayPayment, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, notifyGoPay, Q1, setUpGoPayMerchant } from '../helpers/gopay.js';
import { encodeGumroadForm, gumroadFixture, setUpGumroadMerchant } from '../helpers/gumroad.js';
import { attributedStripeFixture, conversionsOf, eventOf, sendStripeEvent, setUpStripeMerchant, signStripe, type StripeMerchant } from '../helpers/stripe.js';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

/** Sends a body exactly as given (no re-serialisation), signed as Stripe signs it. */
function sendRawStripe(hub: TestHub, merchant: StripeMerchant, body: string, timestamp = Math.floor(hub.clock.now().getTime() / 1000)) {
  return hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json')
    .set('Stripe-Signature', signStripe(body, { timestamp })).send(body);
}

describe('events that once stopped the worker', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('records the failure of a checkout session whose id is an unpaired surrogate and which has no amount', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const event = attributedStripeFixture('checkout.session.completed.1', merchant);
    delete event.data.object.amount_total;
    const body = JSON.stringify(event).replace(`"id":"${event.id}"`, '"id":"\\ud800"');
    const response = await sendRawStripe(hub, merchant, body).expect(200);
    await hub.services.processor.drain();
    const stored = await eventOf(merchant, response.body.eventId as string);
    expect(stored.status).toBe('failed');
    expect(stored.error).toMatch(/amount/);
    expect(stored.trace.join(' ')).toContain('\uFFFD');
  });

  it('turns a sale whose order id carries NUL and an unpaired surrogate into a conversion, the text repaired', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const event = attributedStripeFixture('checkout.session.completed.1', merchant);
    event.data.object.payment_intent = 'pi_odd\u0000\ud800';
    const response = await sendStripeEvent(hub, merchant.connectionId, event).expect(200);
    await hub.services.processor.drain();
    expect((await eventOf(merchant, response.body.eventId as string)).status).toBe('processed');
    expect((await conversionsOf(merchant)).map((conversion) => conversion.orderId)).toEqual(['pi_odd\uFFFD\uFFFD']);
  });

  it('still marks an event failed, with both reasons, when the database refuses the record of its failure', async () => {
    const merchant = await setUpStripeMerchant(hub);
    // A trigger stands in for any refusal of the full failure record (its trace): the minimal fallback sets no trace.
    await sql`create or replace function refuse_marked_trace() returns trigger language plpgsql as $$
      begin
        if new.status = 'failed' and new.trace::text like '%refuse-this-trace%' then raise exception 'trace refused by the test'; end if;
        return new;
      end $$`.execute(hub.database.db);
    await sql`create trigger refuse_marked_trace before update on inbound_event for each row execute function refuse_marked_trace()`.execute(hub.database.db);
    try {
      const response = await sendRawStripe(hub, merchant, '{"id":"evt_refuse-this-trace","object":"event"}').expect(200);
      hub.clock.advance(10_000);
      await hub.services.processor.drain();
      const stored = await eventOf(merchant, response.body.eventId as string);
      expect(stored.status).toBe('failed');
      expect(stored.error).toMatch(/not a Stripe event.*recording this failure failed too: trace refused by the test/);
    } finally {
      await sql`drop trigger refuse_marked_trace on inbound_event`.execute(hub.database.db);
    }
  });

  it(`quarantines an event claimed ${POISON_AFTER_UNFINISHED_CLAIMS} times without finishing as dead/poison, replayable after`, async () => {
    const merchant = await setUpStripeMerchant(hub);
    const response = await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200);
    const eventId = response.body.eventId as string;
    // Five processes each claim it and die with it: their leases run out and nothing is finished.
    for (let claim = 0; claim < POISON_AFTER_UNFINISHED_CLAIMS; claim += 1) {
      expect((await claimDueEvents(hub.services.db, hub.clock.now(), 10, 1_000)).map((event) => event.id)).toContain(eventId);
      hub.clock.advance(1_001);
    }
    await hub.services.processor.drain();
    const quarantined = await eventOf(merchant, eventId);
    expect(quarantined).toMatchObject({ status: 'dead', reason: 'poison', error: expect.stringMatching(/stopped or hung .* 5 times/) });
    expect(quarantined.trace.at(-1)).toMatch(/^quarantined as poison/);
    expect(await conversionsOf(merchant)).toHaveLength(0);
    await hub.services.processor.drain();
    expect((await eventOf(merchant, eventId)).status).toBe('dead');

    const replayed = await merchant.api.post(`/api/v1/events/${eventId}/replay`).expect(200);
    expect(replayed.body.data).toMatchObject({ status: 'processed', reason: null });
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('reports an event being worked on as received, in reads and in the status filter', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const response = await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200);
    await claimDueEvents(hub.services.db, hub.clock.now(), 10, 60_000);
    expect((await eventOf(merchant, response.body.eventId as string)).status).toBe('received');
    const listed = await merchant.api.get(`/api/v1/events?connectionId=${merchant.connectionId}&status=received`).expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: response.body.eventId, status: 'received' })]);
    expect((await merchant.api.get('/api/v1/events?status=processing')).status).toBe(400);
    hub.clock.advance(60_001);
    await hub.services.processor.drain();
  });
});

describe('one identity per authentic delivery the adapter cannot read', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('keeps a Stripe retry (new signature, new timestamp) of an unreadable event as one event', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const body = '{"id":"evt_unreadable_1","object":"event","type":42}';
    const first = await sendRawStripe(hub, merchant, body).expect(200);
    hub.clock.advance(60_000);
    const retry = await sendRawStripe(hub, merchant, body).expect(200);
    expect(retry.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
  });

  it('keeps a Gumroad retry (retry_count moved on) of an unreadable ping as one event', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const ping = { ...gumroadFixture('sale.1'), resource_name: 'sale', sale_id: '' };
    const send = (retryCount: string) => hub.http.post(`/webhooks/gumroad/${merchant.connectionId}?token=${merchant.token}`)
      .set('Content-Type', 'application/x-www-form-urlencoded').send(`${encodeGumroadForm(ping)}&retry_count=${retryCount}`);
    const first = await send('0').expect(200);
    const retry = await send('1').expect(200);
    expect(retry.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
  });
});

describe('claims kept alive while the work runs', () => {
  let hub: TestHub;
  let double: GoPayApiDouble;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, processor: { leaseMs: 300 }, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });

  it('renews the lease of an event whose processor API is slow, so no other worker takes it meanwhile', async () => {
    const merchant = await setUpGoPayMerchant(hub, double, { connectionOptions: { requestTimeoutMs: 1_500 } });
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    await notifyGoPay(hub, merchant.connectionId, Q1).expect(200);
    double.fail({ kind: 'timeout' }, { times: 1, matching: (request) => request.path.startsWith('/payments/') });
    const processing = hub.services.processor.drain();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Well past the lease of 300 ms by the hub's clock; the heartbeat renews it every 100 ms of real time.
    hub.clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await claimDueEvents(hub.services.db, hub.clock.now(), 10, 60_000)).toEqual([]);
    await processing;
    expect(double.requests.filter((request) => request.path.startsWith('/payments/'))).toHaveLength(1);
  });
});

// A connection lost while a client is checked out: only a real PostgreSQL server has connections to lose.
if (TEST_BACKEND === 'postgres') {
  describe('a PostgreSQL connection lost while in use', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub();
    });
    afterAll(async () => hub.close());

    it('fails the work on that connection as unavailable, stops nothing, and the next request is served', async () => {
      const merchant = await setUpStripeMerchant(hub);
      const killer = new pg.Client({ connectionString: hub.database.url ?? '' });
      await killer.connect();
      try {
        const outcome = await hub.services.db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await killer.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
          await new Promise((resolve) => setTimeout(resolve, 100));
          return sql`select 1`.execute(trx);
        }).then(() => null, (error: unknown) => error);
        expect(isDatabaseUnavailable(outcome)).toBe(true);
      } finally {
        await killer.end();
      }
      await merchant.api.get('/api/v1/conversions').expect(200);
      await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200);
    });
  });
}
