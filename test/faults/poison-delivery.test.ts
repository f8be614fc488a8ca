/**
 * Issue 10, fault suite: stored events that hurt whoever processes them.
 *
 * 1. The delivery of the point 2 — a validly signed Stripe `checkout.session.completed`
 *    whose `"id"` is `"\ud800"` (a lone surrogate, as a JSON escape in the raw body) and which has
 *    no `amount_total`. It is acknowledged; its processing fails, and recording that failure used to
 *    be refused by PostgreSQL and take the process down. It must end with a recorded outcome.
 * 2. An event that never finishes because it hangs whoever takes it: the GoPay API double holds the
 *    payment-status request, and each time it arrives the test SIGKILLs the hub and restarts it. An
 *    event claimed five times without finishing is quarantined on its next claim — status `dead`,
 *    reason `poison` — and the hub stays up.
 */
import { describe, expect, it } from 'vitest';
import { startGoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { attributedGoPayPayment, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, GOPAY_GOID } from '../helpers/gopay.js';
import { attributedStripeFixture, STRIPE_SECRET } from '../helpers/stripe.js';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { createFaultConnection, createFaultMerchant, listConversions, listEvents, readEvent, sleep, type EventView } from './support/hub-api.js';
import { createHubStorage, hubEnvironment } from './support/hub-environment.js';
import { HubRunner } from './support/hub-runner.js';
import { jsonOf, sendRaw } from './support/raw-http.js';
import { stripeSignatureHeader } from './support/signed-processors.js';
import { stripePurchase } from './support/stripe-load.js';
import { expectHubSurvived, markSurvival } from './support/survival.js';

const OUTCOME_BOUND_MS = 20_000;
const QUARANTINE_BOUND_MS = 90_000;
const PAYMENT_STATUS_PATH = /^\/payments\/payment\/\d+$/;
const LONE_SURROGATE_SLOT = '__lone_surrogate__';

async function postStripe(baseUrl: string, connectionId: string, body: Buffer): Promise<string> {
  const outcome = await sendRaw(baseUrl, {
    method: 'POST', path: `/webhooks/stripe/${connectionId}`, body,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body) },
  });
  const eventId = (jsonOf(outcome) as { eventId?: string } | null)?.eventId;
  if (outcome.kind !== 'response' || outcome.status !== 200 || !eventId) throw new Error(`the delivery was not acknowledged: ${JSON.stringify(outcome).slice(0, 500)}`);
  return eventId;
}

describe(`poison events on ${TEST_BACKEND}`, () => {
  it('records the lone-surrogate Stripe delivery without amount_total as failed, and keeps processing', async () => {
    const storage = await createHubStorage();
    const runner = new HubRunner(hubEnvironment(storage));
    try {
      await runner.start();
      const mark = markSurvival(runner);
      const merchant = await createFaultMerchant(runner.url);
      const connection = await createFaultConnection(runner.url, merchant, { provider: 'stripe', secrets: [STRIPE_SECRET] });
      const event = attributedStripeFixture('checkout.session.completed.1', merchant);
      delete event.data.object.amount_total;
      // The event's and the session's "id" both a lone surrogate, written as the JSON escape: the
      // session id is what the "has no amount_total" error message quotes.
      event.id = LONE_SURROGATE_SLOT;
      event.data.object.id = LONE_SURROGATE_SLOT;
      const poison = Buffer.from(JSON.stringify(event).replaceAll(JSON.stringify(LONE_SURROGATE_SLOT), '"\\ud800"'), 'utf8');
      const eventId = await postStripe(runner.url, connection.id, poison);

      let seen: EventView | null = null;
      const deadline = Date.now() + OUTCOME_BOUND_MS;
      while (Date.now() < deadline && runner.isAlive()) {
        // A read cut off by the hub dying is reported below as the death, with the hub's output.
        seen = await readEvent(runner.url, merchant, eventId).catch(() => seen);
        if (seen?.status === 'failed' || seen?.status === 'dead') break;
        await sleep(200);
      }
      expect(runner.isAlive(), `the hub died processing the poison delivery\n${runner.report()}`).toBe(true);
      expect(seen?.status, `status of ${eventId} after ${OUTCOME_BOUND_MS} ms: ${JSON.stringify(seen)}`).toMatch(/^(failed|dead)$/);
      expect(seen?.error ?? seen?.reason, 'the recorded outcome says what went wrong').toBeTruthy();
      expect((await listEvents(runner.url, merchant, connection.id)).map((listed) => [listed.id, listed.status])).toContainEqual([eventId, seen?.status]);

      // Still alive a while later (a retry of the failed event comes after 5 s), and still processing.
      await sleep(6_000);
      const ordinary = stripePurchase(merchant, 'after-poison', 1);
      const ordinaryEventId = await postStripe(runner.url, connection.id, ordinary.body);
      let processed = '';
      for (const until = Date.now() + 10_000; Date.now() < until && processed !== 'processed' && runner.isAlive(); await sleep(200)) {
        processed = (await readEvent(runner.url, merchant, ordinaryEventId)).status;
      }
      expect(processed, `an ordinary delivery after the poison one\n${runner.report()}`).toBe('processed');
      expect((await listConversions(runner.url, merchant)).map((conversion) => conversion.orderId)).toContain(ordinary.orderId);
      await expectHubSurvived(runner, mark, { what: 'poison Stripe delivery' });
    } finally {
      await runner.stop();
      await storage.cleanUp();
    }
  }, 60_000);

  it('quarantines an event whose processing hangs every hub that claims it as dead/poison, and stays up', async () => {
    const storage = await createHubStorage();
    const runner = new HubRunner(hubEnvironment(storage));
    const gopay = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET });
    try {
      await runner.start();
      const merchant = await createFaultMerchant(runner.url, { currency: 'CZK' });
      const payment = attributedGoPayPayment('payment.PAID.1', merchant);
      gopay.setPayment(payment);
      // The payment-status call never gets an answer; the token endpoint behaves.
      gopay.fail({ kind: 'timeout' }, { matching: (request) => PAYMENT_STATUS_PATH.test(request.path) });
      const connection = await createFaultConnection(runner.url, merchant, {
        provider: 'gopay', options: { goid: GOPAY_GOID, clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, apiBase: gopay.apiBase, requestTimeoutMs: 60_000 },
      });
      const notified = await sendRaw(runner.url, { method: 'GET', path: `/webhooks/gopay/${connection.id}?id=${payment.id}` });
      const eventId = (jsonOf(notified) as { eventId?: string } | null)?.eventId;
      expect(eventId, JSON.stringify(notified).slice(0, 300)).toMatch(/^ev_/);

      const statusRequests = () => gopay.requests.filter((request) => PAYMENT_STATUS_PATH.test(request.path)).length;
      let handled = 0;
      let kills = 0;
      let event: EventView | null = null;
      let lastRead = 0;
      const deadline = Date.now() + QUARANTINE_BOUND_MS;
      while (Date.now() < deadline) {
        if (!runner.isAlive()) throw new Error(`the hub died on its own while the event was held\n${runner.report()}`);
        if (statusRequests() > handled) {
          // A hub is stuck on the event: kill it, as a crash or a hang would end it.
          handled = statusRequests();
          await runner.restart();
          kills += 1;
        } else if (Date.now() - lastRead > 500) {
          lastRead = Date.now();
          event = await readEvent(runner.url, merchant, eventId ?? '');
          if (event.status === 'dead') break;
        }
        await sleep(50);
      }
      const context = `${kills} SIGKILLs, GoPay asked ${statusRequests()} times; event ${JSON.stringify(event)}`;
      expect(event?.status, `not quarantined within ${QUARANTINE_BOUND_MS / 1000} s; ${context}`).toBe('dead');
      expect(event?.reason, context).toBe('poison');
      expect(kills, context).toBeGreaterThanOrEqual(5);

      // Quarantined means left alone: nobody claims it again, and the hub carries on.
      const mark = markSurvival(runner);
      const askedBefore = statusRequests();
      await sleep(3_000);
      expect(statusRequests(), `GoPay was asked again about a quarantined event; ${context}`).toBe(askedBefore);
      expect((await readEvent(runner.url, merchant, eventId ?? '')).status).toBe('dead');
      await expectHubSurvived(runner, mark, { what: 'poison quarantine' });
      expect(runner.crashes(), runner.report()).toEqual([]);
    } finally {
      await runner.stop();
      await gopay.close();
      await storage.cleanUp();
    }
  }, 150_000);
});
