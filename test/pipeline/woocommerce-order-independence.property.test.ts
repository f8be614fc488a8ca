/**
 * Order independence (SPEC §9) for WooCommerce, as a property: every permutation of an order's
 * deliveries (each one the order's whole state at some moment), with any of them re-delivered, sent
 * in concurrent bursts, ends in the same conversion and the same ledger total — and in the values
 * worked out by hand below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionsOf, type ConversionView } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { attributedWooDelivery, sendWooEvent, setUpWooMerchant, type WooDelivery, type WooMerchant } from '../helpers/woocommerce.js';

interface Story {
  name: string;
  deliveries: (merchant: WooMerchant) => WooDelivery[];
  /** Worked out by hand from SPEC §9; the property checks every run lands here. */
  expected: Record<string, Partial<ConversionView>>;
}

const stories: Story[] = [
  {
    name: 'an order created pending, paid, re-sent, completed and refunded twice (10.00 + 5.00)',
    deliveries: (merchant) => ['order.created.1', 'order.updated.1', 'order.updated.8', 'order.updated.5', 'order.updated.2', 'order.updated.3']
      .map((name) => attributedWooDelivery(name, merchant)),
    // Net 29.35 − 1.35 − 10.00 = 18.00 → C0 3.60; refunded 15.00 → round(3.60 × 14.35 / 29.35) = 1.76.
    expected: { 727: { amount: 29.35, taxAmount: 1.35, refundedAmount: 15, commission: 1.76, status: 'pending' } },
  },
  {
    name: 'the same order ending fully refunded (refund ids and the refunded status both count it once)',
    deliveries: (merchant) => ['order.created.1', 'order.updated.1', 'order.updated.2', 'order.updated.3', 'order.updated.4', 'order.updated.8']
      .map((name) => attributedWooDelivery(name, merchant)),
    expected: { 727: { amount: 29.35, refundedAmount: 29.35, commission: 0, status: 'reversed' } },
  },
];

/** The outcome that must not depend on arrival order: everything but ids and timestamps. */
function essence(conversions: ConversionView[]) {
  return Object.fromEntries(conversions.map((row) => {
    const ledgerTotal = row.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * 100), 0) / 100;
    return [row.orderId, {
      amount: row.amount, taxAmount: row.taxAmount, refundedAmount: row.refundedAmount, commission: row.commission, status: row.status, affiliateId: row.affiliateId, ledgerTotal,
    }];
  }));
}

describe('WooCommerce deliveries in any order, any number of times', () => {
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
        const merchant = await setUpWooMerchant(hub);
        const deliveries = story.deliveries(merchant).flatMap((delivery, index) => Array<WooDelivery>(repeats[index] ?? 1).fill(delivery));
        // A random permutation: sort by the generated keys.
        const shuffled = deliveries.map((delivery, index) => ({ delivery, key: order[index % order.length]! * 100 + index })).sort((a, b) => a.key - b.key).map((entry) => entry.delivery);
        for (let start = 0; start < shuffled.length; start += burst) {
          const responses = await Promise.all(shuffled.slice(start, start + burst).map((delivery) => sendWooEvent(hub, merchant.connectionId, delivery)));
          for (const response of responses) expect(response.status).toBe(200);
          // Processing interleaves with arrivals.
          if (order[start % order.length]! % 2 === 0) await hub.services.processor.drain();
        }
        await hub.services.processor.drain();
        const outcome = essence(await conversionsOf(merchant));
        expect(Object.keys(outcome).sort()).toEqual(Object.keys(story.expected).sort());
        for (const [orderId, expected] of Object.entries(story.expected)) {
          expect(outcome[orderId]).toMatchObject({ ...expected, affiliateId: merchant.affiliateId });
          expect(outcome[orderId]?.ledgerTotal).toBe(outcome[orderId]?.commission);
        }
      }), { numRuns: 12 });
    }, 240_000);
  }
});
