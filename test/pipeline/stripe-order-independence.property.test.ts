/**
 * Order independence (SPEC §9), as a property: every permutation of an order's Stripe deliveries,
 * with any of them re-delivered, sent in concurrent bursts, ends in the same conversion and the
 * same ledger total — and in the values worked out by hand below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributedStripeFixture, conversionsOf, sendStripeEvent, setUpStripeMerchant, stripeFixture, type ConversionView, type StripeFixture, type StripeMerchant } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

interface Story {
  name: string;
  campaign: Record<string, unknown>;
  deliveries: (merchant: StripeMerchant) => StripeFixture[];
  /** Worked out by hand from SPEC §9; the property checks every run lands here. */
  expected: Record<string, Partial<ConversionView>>;
}

const stories: Story[] = [
  {
    name: 'a one-off payment refunded in three refunds (one failed), disputed, lost, then won back',
    campaign: {},
    deliveries: (merchant) => [
      attributedStripeFixture('checkout.session.completed.1', merchant),
      attributedStripeFixture('payment_intent.succeeded.1', merchant),
      stripeFixture('refund.created.1'),
      stripeFixture('charge.refunded.1'),
      stripeFixture('refund.created.2'),
      stripeFixture('refund.updated.2'),
      stripeFixture('charge.dispute.funds_withdrawn.1'),
      stripeFixture('charge.dispute.closed.1'),
      stripeFixture('charge.dispute.funds_reinstated.1'),
      stripeFixture('charge.dispute.closed.2'),
    ],
    // Gross 49.50, net 45.00 → C0 9.00. Refunded: 10.00 (re_1; the 39.50 is still pending, the 5.00 failed).
    // Dispute won → not held. Commission round(9.00 × 39.50 / 49.50) = 7.18.
    expected: { pi_3UaQ2m7HnQ2eLx4K5NJRWjM5: { amount: 49.5, taxAmount: 4.5, refundedAmount: 10, commission: 7.18, status: 'pending' } },
  },
  {
    name: 'a subscription: first payment seen three ways, a renewal, and the renewal refunded',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributedStripeFixture('checkout.session.completed.2', merchant),
      attributedStripeFixture('invoice.paid.1', merchant),
      stripeFixture('invoice_payment.paid.1'),
      attributedStripeFixture('invoice.paid.2', merchant),
      stripeFixture('invoice_payment.paid.2'),
      stripeFixture('charge.refunded.3'),
    ],
    // First invoice 21.80 with 1.80 tax → 4.00; the renewal, fully refunded → 0, reversed.
    expected: {
      in_1UcT4p7HnQ2eLx4KfhClnQuH: { conversionType: 'subscription', amount: 21.8, commission: 4, refundedAmount: 0, status: 'pending' },
      in_1UjW8d7HnQ2eLx4KteoaJA1C: { conversionType: 'recurring', amount: 21.8, commission: 0, refundedAmount: 21.8, status: 'reversed' },
    },
  },
];

/** The outcome that must not depend on arrival order: everything but ids and timestamps. */
function essence(conversions: ConversionView[]) {
  return Object.fromEntries(conversions.map((row) => {
    const ledgerTotal = row.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * 100), 0) / 100;
    return [row.orderId, {
      conversionType: row.conversionType, amount: row.amount, taxAmount: row.taxAmount, refundedAmount: row.refundedAmount,
      commission: row.commission, status: row.status, ledgerTotal,
    }];
  }));
}

describe('Stripe deliveries in any order, any number of times', () => {
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
        const merchant = await setUpStripeMerchant(hub, story.campaign);
        const deliveries = story.deliveries(merchant).flatMap((event, index) => Array<StripeFixture>(repeats[index] ?? 1).fill(event));
        // A random permutation: sort by the generated keys.
        const shuffled = deliveries.map((event, index) => ({ event, key: order[index % order.length]! * 100 + index })).sort((a, b) => a.key - b.key).map((entry) => entry.event);
        for (let start = 0; start < shuffled.length; start += burst) {
          const responses = await Promise.all(shuffled.slice(start, start + burst).map((event) => sendStripeEvent(hub, merchant.connectionId, event)));
          for (const response of responses) expect(response.status).toBe(200);
          // Processing interleaves with arrivals.
          if (order[start % order.length]! % 2 === 0) await hub.services.processor.drain();
        }
        await hub.services.processor.drain();
        const outcome = essence(await conversionsOf(merchant));
        expect(Object.keys(outcome).sort()).toEqual(Object.keys(story.expected).sort());
        for (const [orderId, expected] of Object.entries(story.expected)) {
          expect(outcome[orderId]).toMatchObject(expected);
          expect(outcome[orderId]?.ledgerTotal).toBe(outcome[orderId]?.commission);
        }
      }), { numRuns: 12 });
    }, 240_000);
  }
});
