/**
 * Issue 10, fault suite: a seeded fuzz corpus against every processor's webhook endpoint of a real
 * hub process — at least 1,000 mutated deliveries per processor, validly and invalidly signed (see
 * support/body-mutations.ts and support/envelope-mutations.ts for the mutations). No answer may be
 * 500 or more, the process must never exit, and nothing may be stored from a delivery that is not
 * authentic: the connection's event log holds exactly the events the hub acknowledged (GoPay's: at
 * most, since a notification of a state already stored folds into that event).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { attributedGoPayPayment, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, GOPAY_GOID } from '../helpers/gopay.js';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { signedDeliveryCase, type FuzzCase } from './support/fuzz-case.js';
import { describeOutcomes, runCorpus } from './support/fuzz-runner.js';
import { gopayNotificationCase } from './support/gopay-cases.js';
import { countEvents, createFaultConnection, createFaultMerchant, listEvents, type FaultConnection, type FaultMerchant } from './support/hub-api.js';
import { createHubStorage, hubEnvironment, type HubStorage } from './support/hub-environment.js';
import { HubRunner } from './support/hub-runner.js';
import { faultSeed, reproduceWith } from './support/seeded-random.js';
import { SIGNED_PROCESSORS } from './support/signed-processors.js';
import { expectHubSurvived, markSurvival } from './support/survival.js';

const DELIVERIES_PER_PROCESSOR = 1_000;
/** The fixtures' GoPay payments the double knows; other notified ids are unknown to GoPay (404). */
const GOPAY_PAYMENTS = ['payment.PAID.1', 'payment.PAID.2', 'payment.PAID.3', 'payment.CREATED.1', 'payment.REFUNDED.1'];

describe(`webhook fuzz corpus on ${TEST_BACKEND}`, () => {
  let storage: HubStorage;
  let runner: HubRunner;
  let merchant: FaultMerchant;
  let gopay: GoPayApiDouble;

  beforeAll(async () => {
    storage = await createHubStorage();
    runner = new HubRunner(hubEnvironment(storage));
    gopay = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET });
    await runner.start();
    merchant = await createFaultMerchant(runner.url);
  });

  afterAll(async () => {
    await runner?.stop();
    await gopay?.close();
    await storage?.cleanUp();
  });

  // One processor's crash must not hide what the next processor's corpus does.
  beforeEach(async () => {
    if (!runner.isAlive()) await runner.start();
  });

  /**
   * `notificationsFold`: GoPay notifications of a state already stored fold into that event (SPEC §6,
   * one event per payment and state), so the log holds at most, not exactly, what was acknowledged.
   */
  async function attack(what: string, connection: FaultConnection, makeCase: (seed: number, index: number) => FuzzCase, options: { notificationsFold?: boolean } = {}): Promise<void> {
    const seed = faultSeed(what);
    const mark = markSurvival(runner);
    const before = await countEvents(runner.url, merchant, connection.id);
    const result = await runCorpus(runner, (index) => makeCase(seed, index), { count: DELIVERIES_PER_PROCESSOR });
    const summary = `${what}: ${result.sent} sent (${describeOutcomes(result)}); ${reproduceWith(seed)}`;
    if (result.inFlightAtDeath.length > 0) {
      // The killer is one of these requests, or the processing of a delivery stored earlier (see the output).
      expect.fail(`the hub died during ${what}; requests in flight then:\n  ${result.inFlightAtDeath.join('\n  ')}\n${summary}\n${runner.report()}`);
    }
    await expectHubSurvived(runner, mark, { what, seed });
    expect(result.violations.slice(0, 25), `${result.violations.length} violation(s); ${summary}`).toEqual([]);
    const stored = await countEvents(runner.url, merchant, connection.id);
    if (!options.notificationsFold) {
      expect(stored - before, `events stored by the hub vs deliveries it acknowledged; ${summary}`).toBe(result.storedIds.size);
      return;
    }
    expect(stored - before, `events stored by the hub vs notifications it acknowledged; ${summary}`).toBeLessThanOrEqual(result.storedIds.size);
    const events = await listEvents(runner.url, merchant, connection.id);
    expect(events.filter((event) => !/^payment:\d+(:[A-Z_]+(:\d+)?|:not_found)?$/.test(event.providerEventId)), summary).toEqual([]);
  }

  for (const processor of SIGNED_PROCESSORS) {
    it(`${processor.provider}: ${DELIVERIES_PER_PROCESSOR} mutated deliveries, validly and invalidly signed, never crash the hub or store a forgery`, async () => {
      const connection = await createFaultConnection(runner.url, merchant, processor.connectionBody());
      const deliveries = processor.baseDeliveries(merchant);
      await attack(`webhook fuzz ${processor.provider}`, connection, (seed, index) => signedDeliveryCase(processor, deliveries, connection, seed, index));
    }, 180_000);
  }

  it(`gopay: ${DELIVERIES_PER_PROCESSOR} mutated notifications (GET ?id= and POST) never crash the hub or store one without a payment id`, async () => {
    const payments = GOPAY_PAYMENTS.map((name) => attributedGoPayPayment(name, merchant));
    for (const payment of payments) gopay.setPayment(payment);
    const connection = await createFaultConnection(runner.url, merchant, {
      provider: 'gopay', options: { goid: GOPAY_GOID, clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, apiBase: gopay.apiBase },
    });
    const knownIds = payments.map((payment) => payment.id);
    await attack('webhook fuzz gopay', connection, (seed, index) => gopayNotificationCase(connection.id, knownIds, seed, index), { notificationsFold: true });
  }, 180_000);
});
