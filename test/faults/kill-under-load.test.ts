/**
 * Issue 10, fault suite: `kill -9` under load. Stripe-like deliveries (each retried until it gets a
 * 200) stream into a real hub process while, at seeded moments, the test SIGKILLs it and restarts it
 * on the same data dir or database — six times. Afterwards every acknowledged delivery must end
 * `processed` and every order must have exactly one conversion, within 30 s of the load ending: the
 * events a killed process had claimed must be taken over within seconds, not after a 60 s lease.
 */
import { describe, expect, it } from 'vitest';
import { STRIPE_SECRET } from '../helpers/stripe.js';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { countEvents, createFaultConnection, createFaultMerchant, listConversions, listEvents, sleep } from './support/hub-api.js';
import { createHubStorage, hubEnvironment } from './support/hub-environment.js';
import { HubRunner } from './support/hub-runner.js';
import { faultSeed, reproduceWith, seededRandom } from './support/seeded-random.js';
import { sendStripeLoad } from './support/stripe-load.js';
import { expectHubSurvived, markSurvival } from './support/survival.js';

/** The embedded database takes one writer at a time: fewer deliveries keep its run near a minute. */
const DELIVERIES = TEST_BACKEND === 'pglite' ? 600 : 1_200;
const KILLS = 6;
const LOAD_BOUND_MS = 120_000;
/** Takeover of a killed process's claims is due within ~10 s; 30 s leaves room for the backlog on 2 cores. */
const SETTLE_BOUND_MS = 30_000;

/** Acknowledgement counts at which to kill: spread over the run, the last one late but still under load. */
function killThresholds(seed: number): number[] {
  const random = seededRandom(seed);
  const early = Array.from({ length: KILLS - 1 }, () => Math.round(DELIVERIES * (0.05 + 0.8 * random.next())));
  return [...early.sort((a, b) => a - b), Math.round(DELIVERIES * (0.86 + 0.08 * random.next()))];
}

describe(`kill -9 under load on ${TEST_BACKEND}`, () => {
  it(`loses no acknowledged delivery and records each of ${DELIVERIES} orders exactly once across ${KILLS} SIGKILLs`, async () => {
    const seed = faultSeed('kill under load');
    const random = seededRandom(seed ^ 0x5eed);
    const storage = await createHubStorage();
    const runner = new HubRunner(hubEnvironment(storage));
    // Set by the killer when a restart fails; a holder, since the load callbacks read it later.
    const restart: { failure: Error | null } = { failure: null };
    try {
      await runner.start();
      const mark = markSurvival(runner);
      const merchant = await createFaultMerchant(runner.url);
      const connection = await createFaultConnection(runner.url, merchant, { provider: 'stripe', secrets: [STRIPE_SECRET] });
      const thresholds = killThresholds(seed);
      let acknowledged = 0;
      let loadDone = false;
      const killTimes: number[] = [];
      const killer = (async () => {
        for (const threshold of thresholds) {
          while (acknowledged < threshold && !loadDone) await sleep(10);
          if (loadDone) return;
          await sleep(random.int(250));
          await runner.restart();
          killTimes.push(Date.now());
        }
      })().catch((error: unknown) => {
        restart.failure = error instanceof Error ? error : new Error(String(error));
      });
      const load = await sendStripeLoad({
        merchant, connectionId: connection.id, tag: `k${seed}`, count: DELIVERIES, concurrency: 16, baseUrl: () => runner.url,
        retryDelayMs: 100, deadline: Date.now() + LOAD_BOUND_MS, shouldStop: () => restart.failure !== null || runner.crashes().length > 0,
        onAttempt: (attempt) => {
          if (attempt.eventId) acknowledged += 1;
        },
      });
      loadDone = true;
      await killer;
      const loadEnd = Date.now();
      const context = `${killTimes.length} kills at acknowledgement counts ${thresholds.slice(0, killTimes.length).join(', ')}; ${reproduceWith(seed)}`;
      if (restart.failure) throw new Error(`the hub did not come back after a SIGKILL (${context}): ${restart.failure.message}\n${runner.report()}`);
      await expectHubSurvived(runner, mark, { what: 'kill -9 under load', seed });
      expect(killTimes.length, context).toBe(KILLS);
      expect(load.acknowledged.size, `deliveries acknowledged within ${LOAD_BOUND_MS} ms; ${context}`).toBe(DELIVERIES);

      // Settle: the backlog, and whatever the killed processes had claimed, must all be processed.
      let processed = 0;
      while (Date.now() - loadEnd < SETTLE_BOUND_MS) {
        processed = await countEvents(runner.url, merchant, connection.id, 'processed');
        if (processed >= DELIVERIES) break;
        await sleep(250);
      }
      const events = await listEvents(runner.url, merchant, connection.id);
      const statusOf = new Map(events.map((event) => [event.id, event.status]));
      const unsettled = [...load.acknowledged.entries()]
        .filter(([, eventId]) => statusOf.get(eventId) !== 'processed')
        .map(([number, eventId]) => `#${number} ${eventId}: ${statusOf.get(eventId) ?? 'missing'}`);
      expect(unsettled.slice(0, 20), `${unsettled.length} acknowledged deliveries not processed ${SETTLE_BOUND_MS / 1000} s after the load ended; ${context}`).toEqual([]);
      expect(events.length, `events stored for ${DELIVERIES} distinct deliveries; ${context}`).toBe(DELIVERIES);

      const conversions = await listConversions(runner.url, merchant);
      const perOrder = new Map<string, number>();
      for (const conversion of conversions) perOrder.set(conversion.orderId, (perOrder.get(conversion.orderId) ?? 0) + 1);
      const wrong = load.purchases.filter((purchase) => perOrder.get(purchase.orderId) !== 1).map((purchase) => `${purchase.orderId}: ${perOrder.get(purchase.orderId) ?? 0}`);
      expect(wrong.slice(0, 20), `orders without exactly one conversion; ${context}`).toEqual([]);
      expect(conversions.length, context).toBe(DELIVERIES);
      expect(runner.output.escapedErrorLines(), `unhandled or uncaught errors logged; ${context}`).toEqual([]);
    } finally {
      await runner.stop();
      await storage.cleanUp();
    }
  }, 240_000);
});
