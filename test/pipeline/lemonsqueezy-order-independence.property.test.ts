/**
 * Order independence (SPEC §9) for Lemon Squeezy, as a property: every permutation of an order's
 * deliveries, with any of them re-delivered, sent in concurrent bursts, ends in the same
 * conversions and the same ledger totals — and in the values worked out by hand below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedLemonSqueezyFixture,
  lemonSqueezyFixture,
  sendLemonSqueezyEvent,
  setLemonSqueezyField,
  setUpLemonSqueezyMerchant,
  type LemonSqueezyFixture,
  type LemonSqueezyMerchant,
} from '../helpers/lemonsqueezy.js';
import { conversionsOf, type ConversionView } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

interface Story {
  name: string;
  campaign: Record<string, unknown>;
  deliveries: (merchant: LemonSqueezyMerchant) => LemonSqueezyFixture[];
  /** Worked out by hand from SPEC §9; the property checks every run lands here. */
  expected: Record<string, Partial<ConversionView>>;
}

const stories: Story[] = [
  {
    name: 'a one-off order, partially refunded, resent with a new webhook_id, with a license key event',
    campaign: {},
    deliveries: (merchant) => [
      attributedLemonSqueezyFixture('order_created.1', merchant),
      setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.1', merchant), 'meta.webhook_id', '5e1c9a7b-2f40-4d8e-b6a3-9c0d1e2f3a4b'),
      lemonSqueezyFixture('order_refunded.1'),
      lemonSqueezyFixture('license_key_created.1'),
    ],
    // Gross 52.48, VAT 8.38 → net 44.10 → C0 8.82. Refunded 10.00 → round(8.82 × 42.48 / 52.48) = 7.14.
    expected: { ls_order_5218764: { amount: 52.48, taxAmount: 8.38, refundedAmount: 10, commission: 7.14, status: 'pending' } },
  },
  {
    name: 'a one-off order refunded in two steps (cumulative totals 10.00 then 52.48)',
    campaign: {},
    deliveries: (merchant) => [
      attributedLemonSqueezyFixture('order_created.1', merchant),
      lemonSqueezyFixture('order_refunded.1'),
      lemonSqueezyFixture('order_refunded.2'),
    ],
    expected: { ls_order_5218764: { amount: 52.48, refundedAmount: 52.48, commission: 0, status: 'reversed' } },
  },
  {
    name: 'a subscription: order, subscription, initial invoice, a renewal, and the renewal refunded',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributedLemonSqueezyFixture('order_created.2', merchant),
      lemonSqueezyFixture('subscription_created.1'),
      attributedLemonSqueezyFixture('subscription_payment_success.1', merchant),
      attributedLemonSqueezyFixture('subscription_payment_success.2', merchant),
      lemonSqueezyFixture('subscription_payment_refunded.1'),
    ],
    // First order 18.00 with 3.00 VAT → 3.00 (the initial invoice adds nothing); the renewal, fully refunded → 0, reversed.
    expected: {
      ls_order_5219031: { conversionType: 'one_time', amount: 18, commission: 3, refundedAmount: 0, status: 'pending' },
      ls_invoice_3598240: { conversionType: 'recurring', amount: 18, commission: 0, refundedAmount: 18, status: 'reversed' },
    },
  },
];

/** The outcome that must not depend on arrival order: everything but ids and timestamps. */
function essence(conversions: ConversionView[]) {
  return Object.fromEntries(conversions.map((row) => {
    const ledgerTotal = row.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * 100), 0) / 100;
    return [row.orderId, {
      conversionType: row.conversionType, amount: row.amount, taxAmount: row.taxAmount, refundedAmount: row.refundedAmount,
      commission: row.commission, status: row.status, affiliateId: row.affiliateId, ledgerTotal,
    }];
  }));
}

describe('Lemon Squeezy deliveries in any order, any number of times', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  for (const story of stories) {
    it(`always ends the same: ${story.name}`, async () => {
      const schedule = fc.record({
        order: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
        repeats: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 10, maxLength: 10 }),
        burst: fc.integer({ min: 1, max: 6 }),
      });
      await fc.assert(fc.asyncProperty(schedule, async ({ order, repeats, burst }) => {
        const merchant = await setUpLemonSqueezyMerchant(hub, story.campaign);
        const deliveries = story.deliveries(merchant).flatMap((event, index) => Array<LemonSqueezyFixture>(repeats[index] ?? 1).fill(event));
        // A random permutation: sort by the generated keys.
        const shuffled = deliveries.map((event, index) => ({ event, key: order[index % order.length]! * 100 + index })).sort((a, b) => a.key - b.key).map((entry) => entry.event);
        for (let start = 0; start < shuffled.length; start += burst) {
          const responses = await Promise.all(shuffled.slice(start, start + burst).map((event) => sendLemonSqueezyEvent(hub, merchant.connectionId, event)));
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
