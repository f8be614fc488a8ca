/**
 * Order independence (SPEC §9) for Gumroad, as a property: every permutation of a sale's pings, any
 * of them re-sent (as form or JSON), sent in concurrent bursts and processed at random moments, ends
 * in the same conversions and ledger totals — and in the values worked out by hand below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGumroadApiDouble, type GumroadApiDouble } from '../../src/doubles/gumroad-api-double.js';
import {
  attributedGumroadFixture,
  GUMROAD_ACCESS_TOKEN,
  gumroadApiSale,
  gumroadFixture,
  gumroadJsonFixture,
  sendGumroadPing,
  setUpGumroadMerchant,
  withGumroadFields,
  type GumroadDelivery,
  type GumroadMerchant,
} from '../helpers/gumroad.js';
import { conversionsOf, type ConversionView } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

interface Story {
  name: string;
  campaign: Record<string, unknown>;
  /** Whether the connection confirms with the Sales API (and what the API says). */
  salesApi: boolean;
  deliveries: (merchant: GumroadMerchant) => GumroadDelivery[];
  /** Worked out by hand from SPEC §9; the property checks every run lands here. */
  expected: Record<string, Partial<ConversionView>>;
}

const G1 = 'niBD7_w9Wcu93NQ24c_PhQ==';

const stories: Story[] = [
  {
    name: 'with the Sales API: a sale refunded $10, disputed and won back, with its JSON twins, a cancellation and a test purchase',
    campaign: {},
    salesApi: true,
    deliveries: (merchant) => {
      const json = gumroadJsonFixture('sale.1');
      json.url_params = { click_id: merchant.clickId, program_id: merchant.campaignId };
      return [
        attributedGumroadFixture('sale.1', merchant), { json },
        gumroadFixture('refund.1'), { json: gumroadJsonFixture('refund.1') },
        gumroadFixture('dispute.1'), gumroadFixture('dispute_won.1'),
        gumroadFixture('cancellation.1'), attributedGumroadFixture('sale.5', merchant),
      ];
    },
    // The API (its state when the pings are read): $10 of $49 refunded, the dispute won. 9.80 × 39 / 49 = 7.80.
    expected: { [G1]: { currency: 'USD', amount: 49, refundedAmount: 10, commission: 7.8, status: 'pending' } },
  },
  {
    name: 'pings alone: a sale disputed, lost and won back, and a partial refund that waits for an access token',
    campaign: {},
    salesApi: false,
    deliveries: (merchant) => [attributedGumroadFixture('sale.1', merchant), gumroadFixture('dispute.1'), gumroadFixture('dispute_won.1'), gumroadFixture('refund.1')],
    expected: { [G1]: { amount: 49, refundedAmount: 0, commission: 9.8, status: 'pending' } },
  },
  {
    name: 'pings alone: a membership, its renewal refunded in full, and the cancellation',
    campaign: { recurring: 'lifetime' },
    salesApi: false,
    deliveries: (merchant) => [
      attributedGumroadFixture('sale.2', merchant), gumroadFixture('sale.3'),
      withGumroadFields(gumroadFixture('sale.3'), { resource_name: 'refund', refunded: 'true', is_recurring_charge: null }),
      gumroadFixture('cancellation.1'),
    ],
    expected: {
      '3TaF7dAdyKzYpMnzfAaRsA==': { conversionType: 'subscription', amount: 12, refundedAmount: 0, commission: 2.4, status: 'pending' },
      'nSS0dSvWDptSoTkCNYUbQg==': { conversionType: 'recurring', amount: 12, refundedAmount: 12, commission: 0, status: 'reversed' },
    },
  },
];

/** The outcome that must not depend on arrival order: everything but ids and timestamps. */
function essence(conversions: ConversionView[]) {
  return Object.fromEntries(conversions.map((row) => {
    const ledgerTotal = row.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * 100), 0) / 100;
    return [row.orderId, {
      conversionType: row.conversionType, currency: row.currency, amount: row.amount, refundedAmount: row.refundedAmount,
      commission: row.commission, status: row.status, ledgerTotal,
    }];
  }));
}

describe('Gumroad pings in any order, any number of times', () => {
  let hub: TestHub;
  let double: GumroadApiDouble;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    double = await startGumroadApiDouble({ accessTokens: { [GUMROAD_ACCESS_TOKEN]: ['view_sales'] } });
    double.setSale({ ...gumroadApiSale('api.sale.2'), disputed: true, dispute_won: true, chargedback: false });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });

  for (const story of stories) {
    it(`always ends the same: ${story.name}`, async () => {
      const schedule = fc.record({
        order: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
        repeats: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 10, maxLength: 10 }),
        burst: fc.integer({ min: 1, max: 6 }),
      });
      await fc.assert(fc.asyncProperty(schedule, async ({ order, repeats, burst }) => {
        const connection = story.salesApi ? { options: { accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase } } : {};
        const merchant = await setUpGumroadMerchant(hub, { campaign: story.campaign, connection });
        const deliveries = story.deliveries(merchant).flatMap((delivery, index) => Array<GumroadDelivery>(repeats[index] ?? 1).fill(delivery));
        // A random permutation: sort by the generated keys.
        const shuffled = deliveries.map((delivery, index) => ({ delivery, key: order[index % order.length]! * 100 + index })).sort((a, b) => a.key - b.key).map((entry) => entry.delivery);
        for (let start = 0; start < shuffled.length; start += burst) {
          const responses = await Promise.all(shuffled.slice(start, start + burst).map((delivery) => sendGumroadPing(hub, merchant, delivery)));
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
