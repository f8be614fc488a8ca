/**
 * The event worker: it processes in the background, retries with back-off until it gives up after
 * seven days, takes over events whose worker died, and several hub processes on one database never
 * process the same event at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapters } from '../../adapters/index.js';
import { readConfig } from '../../src/config.js';
import { claimDueEvents } from '../../src/db/repositories/inbound-event.repository.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createHubServices } from '../../src/hub-services.js';
import { silentLogger } from '../../src/lib/logger.js';
import { attributedStripeFixture, conversionsOf, sendStripeEvent, setUpStripeMerchant, signStripe, stripeFixture } from '../helpers/stripe.js';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { ADMIN_TOKEN, createTestHub, type TestHub } from '../helpers/test-hub.js';

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('event processing in the background', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  it('turns a delivery into a conversion with no one asking', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200);
    const conversions = await eventually(() => conversionsOf(merchant), (rows) => rows.length > 0);
    expect(conversions).toHaveLength(1);
  });
});

describe('retries, giving up, and crashed workers', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('retries a failing event on the back-off schedule and marks it dead after seven days', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const body = '{"object": "event"}';
    const response = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('Stripe-Signature', signStripe(body, { timestamp: Math.floor(hub.clock.now().getTime() / 1000) })).send(body).expect(200);
    const read = async () => (await merchant.api.get(`/api/v1/events/${response.body.eventId}`).expect(200)).body.data;
    expect(await read()).toMatchObject({ status: 'failed', attempts: 0 });

    await hub.services.processor.drain();
    expect((await read()).attempts).toBe(0); // not due yet
    hub.clock.advance(6_000);
    await hub.services.processor.drain();
    const afterFirst = await read();
    expect(afterFirst).toMatchObject({ status: 'failed', attempts: 1 });
    const delay = new Date(afterFirst.nextAttemptAt as string).getTime() - hub.clock.now().getTime();
    expect(delay).toBeGreaterThanOrEqual(4_500);
    expect(delay).toBeLessThanOrEqual(5_500);

    hub.clock.advance(8 * 86_400_000);
    await hub.services.processor.drain();
    expect(await read()).toMatchObject({ status: 'dead', attempts: 2 });
    await hub.services.processor.drain();
    expect((await read()).attempts).toBe(2); // dead events are not retried
  });

  it('keeps a refund whose sale never comes received, then waiting on the back-off schedule, then dead after seven days', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const response = await sendStripeEvent(hub, merchant.connectionId, stripeFixture('charge.refunded.1')).expect(200);
    const read = async () => (await merchant.api.get(`/api/v1/events/${response.body.eventId}`).expect(200)).body.data;
    expect(await read()).toMatchObject({ status: 'received', attempts: 0 });

    await hub.services.processor.drain();
    const waiting = await read();
    expect(waiting).toMatchObject({ status: 'waiting', attempts: 1, waitingFor: 'stripe:payment_intent:pi_3UaQ2m7HnQ2eLx4K5NJRWjM5' });
    const firstDelay = new Date(waiting.nextAttemptAt as string).getTime() - hub.clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(4_500);
    expect(firstDelay).toBeLessThanOrEqual(5_500);

    await hub.services.processor.drain();
    expect((await read()).attempts).toBe(1); // not due yet: waiting is not polled in a loop
    hub.clock.advance(6_000);
    await hub.services.processor.drain();
    const again = await read();
    expect(again).toMatchObject({ status: 'waiting', attempts: 2 });
    const secondDelay = new Date(again.nextAttemptAt as string).getTime() - hub.clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(13_500);
    expect(secondDelay).toBeLessThanOrEqual(16_500);

    hub.clock.advance(8 * 86_400_000);
    await hub.services.processor.drain();
    expect(await read()).toMatchObject({ status: 'dead', attempts: 3 });
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('takes over an event whose worker died while holding it', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200);
    // A worker claims the event and dies before finishing.
    const claimed = await claimDueEvents(hub.services.db, hub.clock.now(), 10, 60_000);
    expect(claimed).toHaveLength(1);
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toEqual([]);
    hub.clock.advance(61_000);
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });
});

describe('several hub processes on one database', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('process every event exactly once, side by side', async () => {
    // On PostgreSQL the second hub has its own connection pool, like a second process; on the
    // embedded database (one session by design) it shares the session.
    const second = TEST_BACKEND === 'postgres' ? await openDatabase({ kind: 'postgres', url: hub.database.url ?? '' }, { poolSize: 10 }) : null;
    const io = { fetch: globalThis.fetch, clock: hub.clock };
    const otherServices = createHubServices({
      config: readConfig({ DATABASE_URL: 'memory://' }), db: second?.db ?? hub.services.db, clock: hub.clock, logger: silentLogger,
      keys: hub.services.keys, adminToken: ADMIN_TOKEN, adapters: createAdapters({ io }), io, processorOptions: { concurrency: 8 },
    });
    try {
      const merchants = await Promise.all(Array.from({ length: 4 }, () => setUpStripeMerchant(hub)));
      // Events that do not wait on each other, so each is claimed exactly once when no two workers ever share one.
      const stories = ['checkout.session.completed.1', 'payment_intent.succeeded.2', 'checkout.session.completed.4', 'charge.dispute.closed.3',
        'customer.subscription.deleted.1', 'checkout.session.async_payment_failed.1'];
      for (const merchant of merchants) {
        await Promise.all(stories.map((name) => sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture(name, merchant)).expect(200)));
      }
      await Promise.all([hub.services.processor.drain(), otherServices.processor.drain(), hub.services.processor.drain(), otherServices.processor.drain()]);
      const events = await hub.services.db.selectFrom('inbound_event').select(['status', 'attempts']).execute();
      expect(events).toHaveLength(merchants.length * stories.length);
      // Claimed once each: no event was processed by two workers.
      expect(events.map((event) => event.attempts)).toEqual(Array<number>(events.length).fill(1));
      expect(events.every((event) => event.status === 'processed' || event.status === 'ignored')).toBe(true);
      for (const merchant of merchants) {
        const conversions = await conversionsOf(merchant);
        expect(conversions.map((row) => row.currency).sort()).toEqual(['JPY', 'KWD', 'USD']);
      }
    } finally {
      await otherServices.processor.stop();
      await second?.close();
    }
  });
});
