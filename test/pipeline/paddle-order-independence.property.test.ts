/**
 * Order independence (SPEC §9) for Paddle, as a property: every permutation of an order's Paddle
 * deliveries — with any of them re-delivered, replays under a new notification_id among them, sent
 * in concurrent bursts, processing interleaved with arrivals — ends in the same conversions and the
 * same ledger totals, and in the values worked out by hand below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedPaddleFixture,
  paddleFixture,
  sendPaddleEvent,
  setPaddleField,
  setUpPaddleMerchant,
  withPaddleEventId,
  type PaddleFixture,
  type PaddleMerchant,
} from '../helpers/paddle.js';
import type { ConversionView } from '../helpers/stripe.js';
import { conversionsOf } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

interface Story {
  name: string;
  campaign: Record<string, unknown>;
  deliveries: (merchant: PaddleMerchant) => PaddleFixture[];
  /** Minor-unit digits of the story's currency, to total the ledger exactly. */
  exponent: number;
  /** Worked out by hand from SPEC §9; the property checks every run lands here. */
  expected: Record<string, Partial<ConversionView>>;
}

/** The renewal of P2 refunded in full, approved (and its pending creation before that). */
function renewalRefund(status: 'pending_approval' | 'approved'): PaddleFixture {
  const event = withPaddleEventId(paddleFixture(status === 'approved' ? 'adjustment.updated.1' : 'adjustment.created.1'), status === 'approved' ? 'rnwapproved' : 'rnwcreated');
  setPaddleField(event, 'data.id', 'adj_01kkp3rq1v9x5c7b2n4m6z8hwd');
  setPaddleField(event, 'data.transaction_id', 'txn_01kjt993v71k318vs7j5aqxx02');
  setPaddleField(event, 'data.subscription_id', 'sub_01kgj64pqmp5r1mpytfv79h06s');
  setPaddleField(event, 'data.currency_code', 'EUR');
  setPaddleField(event, 'data.totals', { subtotal: '2900', tax: '551', total: '3451', currency_code: 'EUR' });
  return event;
}

const stories: Story[] = [
  {
    name: 'a one-off sale: paid then completed (and replayed), three refunds (one rejected), a chargeback and its reversal',
    campaign: {},
    deliveries: (merchant) => [
      attributedPaddleFixture('transaction.paid.1', merchant),
      attributedPaddleFixture('transaction.completed.1', merchant),
      attributedPaddleFixture('transaction.completed.5', merchant),
      paddleFixture('adjustment.created.1'),
      paddleFixture('adjustment.updated.1'),
      paddleFixture('adjustment.created.2'),
      paddleFixture('adjustment.updated.2'),
      paddleFixture('adjustment.updated.3'),
      paddleFixture('adjustment.created.3'),
      paddleFixture('adjustment.created.4'),
    ],
    exponent: 2,
    // Gross 49.05, net 45.00 → C0 9.00. Approved refunds 10.00 + 20.00 (the 39.05 was rejected);
    // the chargeback was reversed. Commission round(9.00 × (49.05 − 30.00) / 49.05) = round(3.495…) = 3.50.
    expected: { txn_01kkc0w94tt29x4kad8y2xe71q: { amount: 49.05, taxAmount: 4.05, refundedAmount: 30, commission: 3.5, status: 'pending' } },
  },
  {
    name: 'a subscription: first payment, a renewal refunded in full, the cancellation',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributedPaddleFixture('transaction.completed.2', merchant),
      attributedPaddleFixture('transaction.completed.3', merchant),
      renewalRefund('pending_approval'),
      renewalRefund('approved'),
      paddleFixture('subscription.canceled.1'),
    ],
    exponent: 2,
    // 34.51 EUR with 5.51 VAT → 5.80 each; the renewal, fully refunded → 0, reversed.
    expected: {
      txn_01kgj60as33833tfadgf99b31q: { conversionType: 'subscription', amount: 34.51, commission: 5.8, refundedAmount: 0, status: 'pending' },
      txn_01kjt993v71k318vs7j5aqxx02: { conversionType: 'recurring', amount: 34.51, commission: 0, refundedAmount: 34.51, status: 'reversed' },
    },
  },
  {
    name: 'a JPY sale refunded in full',
    campaign: {},
    deliveries: (merchant) => [attributedPaddleFixture('transaction.completed.4', merchant), paddleFixture('adjustment.updated.4')],
    exponent: 0,
    expected: { txn_01kkzbd60nagsrg3z5hbf222nz: { currency: 'JPY', amount: 4990, commission: 0, refundedAmount: 4990, status: 'reversed' } },
  },
];

/** The outcome that must not depend on arrival order: everything but ids and timestamps. */
function essence(conversions: ConversionView[], exponent: number) {
  const scale = 10 ** exponent;
  return Object.fromEntries(conversions.map((row) => {
    const ledgerTotal = row.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * scale), 0) / scale;
    return [row.orderId, {
      conversionType: row.conversionType, currency: row.currency, amount: row.amount, taxAmount: row.taxAmount, refundedAmount: row.refundedAmount,
      commission: row.commission, status: row.status, affiliateId: row.affiliateId, ledgerTotal,
    }];
  }));
}

describe('Paddle deliveries in any order, any number of times', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  for (const story of stories) {
    it(`always ends the same: ${story.name}`, async () => {
      const schedule = fc.record({
        order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        repeats: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 12, maxLength: 12 }),
        burst: fc.integer({ min: 1, max: 6 }),
      });
      await fc.assert(fc.asyncProperty(schedule, async ({ order, repeats, burst }) => {
        const merchant = await setUpPaddleMerchant(hub, story.campaign);
        const deliveries = story.deliveries(merchant).flatMap((event, index) => Array<PaddleFixture>(repeats[index] ?? 1).fill(event));
        // A random permutation: sort by the generated keys.
        const shuffled = deliveries.map((event, index) => ({ event, key: order[index % order.length]! * 100 + index })).sort((a, b) => a.key - b.key).map((entry) => entry.event);
        for (let start = 0; start < shuffled.length; start += burst) {
          const responses = await Promise.all(shuffled.slice(start, start + burst).map((event) => sendPaddleEvent(hub, merchant.connectionId, event)));
          for (const response of responses) expect(response.status).toBe(200);
          // Processing interleaves with arrivals.
          if (order[start % order.length]! % 2 === 0) await hub.services.processor.drain();
        }
        await hub.services.processor.drain();
        const outcome = essence(await conversionsOf(merchant), story.exponent);
        expect(Object.keys(outcome).sort()).toEqual(Object.keys(story.expected).sort());
        for (const [orderId, expected] of Object.entries(story.expected)) {
          expect(outcome[orderId]).toMatchObject({ ...expected, affiliateId: merchant.affiliateId });
          expect(outcome[orderId]?.ledgerTotal).toBe(outcome[orderId]?.commission);
        }
        // Every distinct event was stored once, whatever the re-deliveries (.1 and .5 are one event).
        const stored = await hub.services.db.selectFrom('inbound_event').select('provider_event_id').where('connection_id', '=', merchant.connectionId).execute();
        expect(stored.length).toBe(new Set(story.deliveries(merchant).map((event) => event.event_id)).size);
      }), { numRuns: 12 });
    }, 240_000);
  }
});
