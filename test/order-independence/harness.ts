/**
 * Order independence (SPEC §9, §11), one property for every processor: an order's life — its
 * signed deliveries — sent in a random order, each a random number of times, in concurrent bursts
 * of random size, processed at random moments, always ends in the conversions worked out by hand,
 * with ledgers that add up, and with exactly one outbound event per state change.
 *
 * What varies per processor (the stories are in ./stories/<processor>.ts):
 *   Stripe:        signed events; one sale seen as session, PaymentIntent or invoice; refunds by id and as the charge's total; disputes lost, or won back.
 *   Paddle:        signed notifications, replays under a new notification_id; refunds count once approved; chargebacks kept or reversed.
 *   Lemon Squeezy: signed bodies carrying cumulative refunded totals, a resend under a new webhook_id; no disputes.
 *   WooCommerce:   each delivery is the order's whole state at some moment (refunds by id and as a status); no renewals, no disputes.
 *   Gumroad:       form or JSON pings without refund amounts; with an access token the Sales API decides, and its record changes while pings arrive.
 *   GoPay:         notifications carry only a payment id; the payment's state changes at the API double while they arrive; no disputes.
 *
 * A story may have a world that moves on (`StoryRun.stages`: a payment's next state at an API
 * double). Its deliveries then say from which stage they exist — a processor reports a change only
 * once it happened — and the run moves the world forward at random moments, earlier when nothing
 * else could be sent, and to its last stage before the final processing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutboundEvents } from '../../src/db/repositories/outbound.repository.js';
import { parseMajorAmount } from '../../src/lib/money.js';
import { conversionsOf } from '../helpers/stripe.js';
import { createTestHub, subscribeToConversionEvents, type ApiClient, type TestHub } from '../helpers/test-hub.js';

/** Something the processor may send any number of times: a signed webhook body, a notification for a payment id. */
export interface Delivery {
  /** What it is, for the account of a failing run: the fixture's name, "notify 3000006529". */
  label: string;
  /** The stage of the story's world from which it exists (default 0). */
  stage?: number;
  /** Sends it once; the hub must answer 200 every time. */
  send(): PromiseLike<{ status: number }>;
}

/** One run of a story: a fresh merchant and connection, and what will be sent to it. */
export interface StoryRun {
  /** The merchant's API (the conversions are read as the merchant reads them). */
  api: ApiClient;
  connectionId: string;
  /** The affiliate every conversion of the story belongs to. */
  affiliateId: string;
  deliveries: Delivery[];
  /** The world's changes after `start` set up stage 0, in order: running `stages[n]` reaches stage n + 1. */
  stages?: (() => void | Promise<void>)[];
  /** Assertions of the story's own, after the common ones. */
  verify?: () => Promise<void>;
}

/** A conversion as worked out by hand; the optional fields are pinned by the stories that name them. */
export interface ExpectedConversion {
  conversionType: string;
  amount: number;
  refundedAmount: number;
  commission: number;
  status: string;
  currency?: string;
  taxAmount?: number;
}

export interface OrderStory<Shared> {
  name: string;
  start(hub: TestHub, shared: Shared): Promise<StoryRun>;
  /** Per order id, worked out by hand from SPEC §9: every run ends here, and no other conversion exists. */
  expected: Record<string, ExpectedConversion>;
  /** fast-check runs (default 12). */
  numRuns?: number;
}

export interface ProcessorStories<Shared> {
  processor: string;
  /** What the file's stories share besides the hub (an API double), started once. */
  setUp?: (hub: TestHub) => Promise<Shared>;
  tearDown?: (shared: Shared) => Promise<void>;
  stories: OrderStory<Shared>[];
}

const MAX_DELIVERIES = 16;
const MAX_COPIES = 3;
const MAX_SENDS = MAX_DELIVERIES * MAX_COPIES;

/** How one run goes: copies of each delivery, their order, and per burst its size, whether the world moves first and whether processing follows. */
const schedules = fc.record({
  copies: fc.array(fc.integer({ min: 1, max: MAX_COPIES }), { minLength: MAX_DELIVERIES, maxLength: MAX_DELIVERIES }),
  order: fc.array(fc.nat(), { minLength: MAX_SENDS, maxLength: MAX_SENDS }),
  bursts: fc.array(fc.record({ size: fc.integer({ min: 1, max: 6 }), worldMovesFirst: fc.boolean(), processAfter: fc.boolean() }), { minLength: MAX_SENDS, maxLength: MAX_SENDS }),
});

type Schedule = typeof schedules extends fc.Arbitrary<infer T> ? T : never;

export function describeOrderIndependence<Shared>(suite: ProcessorStories<Shared>): void {
  describe(`${suite.processor} deliveries in any order, any number of times`, () => {
    let hub: TestHub;
    let shared: Shared;
    beforeAll(async () => {
      // Some stories ask a processor's API double, which listens on loopback over http.
      hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
      shared = suite.setUp ? await suite.setUp(hub) : (undefined as Shared);
    });
    afterAll(async () => {
      if (suite.tearDown) await suite.tearDown(shared);
      await hub.close();
    });

    for (const story of suite.stories) {
      it(`always ends the same: ${story.name}`, async () => {
        await fc.assert(fc.asyncProperty(schedules, (schedule) => runStory(hub, shared, story, schedule)), { numRuns: story.numRuns ?? 12 });
      }, 240_000);
    }
  });
}

async function runStory<Shared>(hub: TestHub, shared: Shared, story: OrderStory<Shared>, schedule: Schedule): Promise<void> {
  const run = await story.start(hub, shared);
  // Outbound events are written only for a merchant with an endpoint taking them.
  await subscribeToConversionEvents(run.api);
  const stages = run.stages ?? [];
  if (run.deliveries.length > MAX_DELIVERIES) throw new Error(`a story has at most ${MAX_DELIVERIES} deliveries; "${story.name}" has ${run.deliveries.length}`);
  const unreachable = run.deliveries.find((delivery) => (delivery.stage ?? 0) > stages.length);
  if (unreachable) throw new Error(`"${unreachable.label}" exists from stage ${unreachable.stage}, but the world of "${story.name}" ends at stage ${stages.length}`);

  // A random permutation of the copies: sorted by their generated keys (ties keep list order).
  const sends = run.deliveries.flatMap((delivery, index) => Array<Delivery>(schedule.copies[index] ?? 1).fill(delivery));
  const queue = sends.map((delivery, index) => ({ delivery, key: schedule.order[index] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index).map((entry) => entry.delivery);

  // What happened, in order: the message of a failed assertion.
  const account: string[] = [];
  let stage = 0;
  const moveWorld = async () => {
    await stages[stage]?.();
    stage += 1;
    account.push(`world → stage ${stage}`);
  };

  for (let round = 0; queue.length > 0; round += 1) {
    const step = schedule.bursts[round % schedule.bursts.length]!;
    if (step.worldMovesFirst && stage < stages.length) await moveWorld();
    let burst = takeSendable(queue, stage, step.size);
    // Nothing can be sent before the world moves on (a processor reports a change only once it happened).
    while (burst.length === 0) {
      await moveWorld();
      burst = takeSendable(queue, stage, step.size);
    }
    account.push(`send ${burst.map((delivery) => delivery.label).join(' + ')}`);
    const responses = await Promise.all(burst.map((delivery) => delivery.send()));
    expect(responses.map((response) => response.status), account.join('\n')).toEqual(burst.map(() => 200));
    if (step.processAfter) {
      await hub.services.processor.drain();
      account.push('process');
    }
  }
  while (stage < stages.length) await moveWorld();
  await hub.services.processor.drain();

  await assertOutcome(hub, run, story.expected, account.join('\n'));
  if (run.verify) await run.verify();
}

/** Removes and returns the first `size` deliveries of the queue that exist at `stage`. */
function takeSendable(queue: Delivery[], stage: number, size: number): Delivery[] {
  const taken: Delivery[] = [];
  for (let index = 0; index < queue.length && taken.length < size;) {
    if ((queue[index]!.stage ?? 0) <= stage) taken.push(...queue.splice(index, 1));
    else index += 1;
  }
  return taken;
}

const ALWAYS_COMPARED = ['conversionType', 'amount', 'refundedAmount', 'commission', 'status'] as const;

async function assertOutcome(hub: TestHub, run: StoryRun, expected: Record<string, ExpectedConversion>, account: string): Promise<void> {
  const conversions = await conversionsOf(run);
  // 1. The conversions worked out by hand, each once, and nothing else.
  expect(conversions.map((row) => row.orderId).sort(), account).toEqual(Object.keys(expected).sort());
  const outcome = Object.fromEntries(conversions.map((row) => {
    const fields = Object.keys(expected[row.orderId] ?? {});
    return [row.orderId, Object.fromEntries([...new Set([...ALWAYS_COMPARED, ...fields])].map((field) => [field, row[field]]))];
  }));
  expect(outcome, account).toEqual(expected);

  const { merchant_id: merchantId } = await hub.services.db.selectFrom('connection').select('merchant_id').where('id', '=', run.connectionId).executeTakeFirstOrThrow();
  let announced = 0;
  for (const row of conversions) {
    const conversion: ConversionState & { orderId: string } = { ...row, currency: String(row.currency) };
    expect(row.affiliateId, `${conversion.orderId}'s affiliate\n${account}`).toBe(run.affiliateId);
    // 2. The ledger adds up to the commission, to the minor unit.
    expect(ledgerTotalMinor(conversion), `${conversion.orderId}'s ledger\n${account}`).toBe(toMinor(conversion.commission, conversion.currency));
    // 3. One outbound event per state change, in commit order.
    const events = (await listOutboundEvents(hub.services.db, merchantId, conversion.id)).map((stored) => ({ type: stored.type, body: JSON.parse(stored.body) as OutboundBody }));
    announced += events.length;
    expect(outboxProblems(events, conversion), `${conversion.orderId}'s outbound events: ${describeEvents(events)}\n${account}`).toEqual([]);
  }
  // No event about anything else (an order that earned no conversion announces nothing).
  const outbox = await hub.services.db.selectFrom('outbound_event').select((eb) => eb.fn.countAll<string>().as('count')).where('merchant_id', '=', merchantId).executeTakeFirstOrThrow();
  expect(Number(outbox.count), account).toBe(announced);
}

/** The part of a Conversion (SPEC §5) the checks read, in the API's and the events' major units. */
export interface ConversionState {
  id: string;
  status: string;
  commission: number;
  currency: string;
  adjustments: { commissionDelta: number }[];
}

/** The body of an outbound event: `{type, timestamp, data: Conversion}` (src/engine/conversion-events.ts). */
export interface OutboundBody {
  type: string;
  timestamp: string;
  data: ConversionState;
}

export interface OutboundEventSeen {
  /** The outbox row's type. */
  type: string;
  body: OutboundBody;
}

/**
 * What is wrong with a conversion's outbound events, read in commit order; none when the first
 * announces the creation, every later one announces a change of status or commission (a
 * re-delivery or a no-op announces nothing) with the type that change calls for, and the last one
 * shows the conversion as it ended.
 */
export function outboxProblems(events: readonly OutboundEventSeen[], final: Omit<ConversionState, 'adjustments'>): string[] {
  if (events.length === 0) return ['no event at all'];
  const problems: string[] = [];
  events.forEach((event, index) => {
    const { data } = event.body;
    const at = `event ${index + 1} (${event.type})`;
    if (event.body.type !== event.type) problems.push(`${at}: its body says ${event.body.type}`);
    if (data.id !== final.id) problems.push(`${at}: it is about ${data.id}`);
    if (ledgerTotalMinor(data) !== toMinor(data.commission, data.currency)) problems.push(`${at}: its ledger does not add up to its commission ${data.commission}`);
    const previous = events[index - 1]?.body.data;
    if (!previous) {
      if (event.type !== 'conversion.created') problems.push(`${at}: the first event must be conversion.created`);
      return;
    }
    if (data.status === previous.status && data.commission === previous.commission) problems.push(`${at}: announces no change (still ${data.status}, ${data.commission})`);
    const called = data.status === 'reversed' && previous.status !== 'reversed' ? 'conversion.reversed' : 'conversion.updated';
    if (event.type !== called) problems.push(`${at}: a change from ${previous.status} to ${data.status} is ${called}`);
  });
  const last = events.at(-1)!.body.data;
  if (last.status !== final.status || last.commission !== final.commission) {
    problems.push(`the last event shows ${last.status}, ${last.commission}; the conversion is ${final.status}, ${final.commission}`);
  }
  return problems;
}

function describeEvents(events: readonly OutboundEventSeen[]): string {
  return events.map((event) => `${event.type}(${event.body.data.status}, ${event.body.data.commission})`).join(' → ');
}

/** An API amount back in minor units, exactly (decimal text, no float arithmetic). */
function toMinor(major: number, currency: string): number {
  const parsed = parseMajorAmount(Math.abs(major), currency);
  if (!parsed.ok) throw new Error(`${major} ${currency}: ${parsed.message}`);
  return major < 0 ? -parsed.minor : parsed.minor;
}

/** The ledger's sum, added up in minor units so that no float rounding hides or invents a difference. */
function ledgerTotalMinor(conversion: Pick<ConversionState, 'adjustments' | 'currency'>): number {
  return conversion.adjustments.reduce((sum, line) => sum + toMinor(line.commissionDelta, conversion.currency), 0);
}
