/**
 * Lemon Squeezy order lives: a one-off order refunded in part (and resent under a new webhook_id),
 * or in two steps to the full amount (cumulative refunded totals); a subscription's order, its
 * initial invoice (the same money), a renewal, and the renewal refunded.
 * No dispute stories: Lemon Squeezy sends no dispute event — as merchant of record it handles
 * chargebacks itself, usually with a full refund (providers.md §3), which the refund stories cover.
 */
import {
  attributedLemonSqueezyFixture,
  lemonSqueezyFixture,
  sendLemonSqueezyEvent,
  setLemonSqueezyField,
  setUpLemonSqueezyMerchant,
  type LemonSqueezyFixture,
  type LemonSqueezyMerchant,
} from '../../helpers/lemonsqueezy.js';
import type { TestHub } from '../../helpers/test-hub.js';
import type { ExpectedConversion, OrderStory, ProcessorStories } from '../harness.js';

interface LemonSqueezyStory {
  name: string;
  campaign: Record<string, unknown>;
  deliveries: (merchant: LemonSqueezyMerchant) => { name: string; event: LemonSqueezyFixture }[];
  expected: Record<string, ExpectedConversion>;
}

const attributed = (name: string, merchant: LemonSqueezyMerchant) => ({ name, event: attributedLemonSqueezyFixture(name, merchant) });
const plain = (name: string) => ({ name, event: lemonSqueezyFixture(name) });

const stories: LemonSqueezyStory[] = [
  {
    name: 'a one-off order, partially refunded, resent with a new webhook_id, with a license key event',
    campaign: {},
    deliveries: (merchant) => [
      attributed('order_created.1', merchant),
      { name: 'order_created.1 (new webhook_id)', event: setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.1', merchant), 'meta.webhook_id', '5e1c9a7b-2f40-4d8e-b6a3-9c0d1e2f3a4b') },
      plain('order_refunded.1'),
      plain('license_key_created.1'),
    ],
    // Gross 52.48, VAT 8.38 → net 44.10 → C0 8.82. Refunded 10.00 → round(8.82 × 42.48 / 52.48) = 7.14.
    expected: { '5218764': { conversionType: 'one_time', amount: 52.48, taxAmount: 8.38, refundedAmount: 10, commission: 7.14, status: 'pending' } },
  },
  {
    name: 'a one-off order refunded in two steps (cumulative totals 10.00 then 52.48)',
    campaign: {},
    deliveries: (merchant) => [
      attributed('order_created.1', merchant),
      plain('order_refunded.1'),
      plain('order_refunded.2'),
    ],
    // The larger cumulative total wins: all of 52.48 → 0, reversed.
    expected: { '5218764': { conversionType: 'one_time', amount: 52.48, refundedAmount: 52.48, commission: 0, status: 'reversed' } },
  },
  {
    name: 'a subscription: order, subscription, initial invoice, a renewal, and the renewal refunded',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributed('order_created.2', merchant),
      plain('subscription_created.1'),
      attributed('subscription_payment_success.1', merchant),
      attributed('subscription_payment_success.2', merchant),
      plain('subscription_payment_refunded.1'),
    ],
    // First order 18.00 with 3.00 VAT → 3.00 (the initial invoice adds nothing); the renewal, fully refunded → 0, reversed.
    expected: {
      '5219031': { conversionType: 'one_time', amount: 18, commission: 3, refundedAmount: 0, status: 'pending' },
      'subscription-invoices/3598240': { conversionType: 'recurring', amount: 18, commission: 0, refundedAmount: 18, status: 'reversed' },
    },
  },
];

function orderStory(story: LemonSqueezyStory): OrderStory<undefined> {
  return {
    name: story.name,
    expected: story.expected,
    async start(hub: TestHub) {
      const merchant = await setUpLemonSqueezyMerchant(hub, story.campaign);
      return {
        ...merchant,
        deliveries: story.deliveries(merchant).map(({ name, event }) => ({ label: name, send: () => sendLemonSqueezyEvent(hub, merchant.connectionId, event) })),
      };
    },
  };
}

export const lemonSqueezyStories: ProcessorStories<undefined> = { processor: 'Lemon Squeezy', stories: stories.map(orderStory) };
