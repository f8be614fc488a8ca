/**
 * WooCommerce order lives: each delivery is the order's whole state at some moment. An order
 * created pending, paid, re-sent, completed and refunded in two parts — or to the full amount, its
 * refunds listed by id and as the `refunded` status; a JPY and a KWD order (zero and three
 * decimals) refunded in part.
 * No renewal or dispute stories: WooCommerce core has neither — a subscription extension's renewal
 * is an order of its own (a purchase, as above), and disputes are left to the gateway's plugin
 * (providers.md §6.2, adapters/woocommerce/map-woocommerce-order.ts).
 */
import type { TestHub } from '../../helpers/test-hub.js';
import { attributedWooDelivery, sendWooEvent, setUpWooMerchant, type WooDelivery, type WooMerchant } from '../../helpers/woocommerce.js';
import type { ExpectedConversion, OrderStory, ProcessorStories } from '../harness.js';

interface WooStory {
  name: string;
  deliveries: (merchant: WooMerchant) => { name: string; delivery: WooDelivery }[];
  expected: Record<string, ExpectedConversion>;
}

const attributed = (merchant: WooMerchant) => (name: string) => ({ name, delivery: attributedWooDelivery(name, merchant) });

/** The order as the store sends it once a refund was made (Woo lists refunds as negative totals). */
function refunded(name: string, merchant: WooMerchant, refund: { id: number; total: string }) {
  const delivery = attributedWooDelivery(name, merchant);
  delivery.order.refunds = [{ id: refund.id, reason: '', total: refund.total }];
  return { name: `${name} + refund ${refund.total}`, delivery };
}

const stories: WooStory[] = [
  {
    name: 'an order created pending, paid, re-sent, completed and refunded twice (10.00 + 5.00)',
    deliveries: (merchant) => ['order.created.1', 'order.updated.1', 'order.updated.8', 'order.updated.5', 'order.updated.2', 'order.updated.3'].map(attributed(merchant)),
    // Net 29.35 − 1.35 − 10.00 = 18.00 → C0 3.60; refunded 15.00 → round(3.60 × 14.35 / 29.35) = 1.76.
    expected: { 727: { conversionType: 'one_time', amount: 29.35, taxAmount: 1.35, refundedAmount: 15, commission: 1.76, status: 'pending' } },
  },
  {
    name: 'the same order ending fully refunded (refund ids and the refunded status both count it once)',
    deliveries: (merchant) => ['order.created.1', 'order.updated.1', 'order.updated.2', 'order.updated.3', 'order.updated.4', 'order.updated.8'].map(attributed(merchant)),
    expected: { 727: { conversionType: 'one_time', amount: 29.35, refundedAmount: 29.35, commission: 0, status: 'reversed' } },
  },
  {
    name: 'a JPY order and a KWD order, each refunded in part',
    deliveries: (merchant) => [
      attributed(merchant)('order.created.2'),
      refunded('order.created.2', merchant, { id: 761, total: '-1000' }),
      attributed(merchant)('order.created.3'),
      refunded('order.created.3', merchant, { id: 763, total: '-2.345' }),
    ],
    // ¥4,990 incl. ¥454 tax → net ¥4,536 → C0 ¥907; ¥1,000 refunded → round(907 × 3990 / 4990) = round(725.2) = ¥725.
    // 12.345 KD − 0.845 shipping = 11.500 → C0 2.300 KD; 2.345 refunded → round(2300 × 10000 / 12345 fils) = round(1863.1) = 1.863 KD.
    expected: {
      752: { conversionType: 'one_time', currency: 'JPY', amount: 4990, refundedAmount: 1000, commission: 725, status: 'pending' },
      758: { conversionType: 'one_time', currency: 'KWD', amount: 12.345, refundedAmount: 2.345, commission: 1.863, status: 'pending' },
    },
  },
];

function orderStory(story: WooStory): OrderStory<undefined> {
  return {
    name: story.name,
    expected: story.expected,
    async start(hub: TestHub) {
      const merchant = await setUpWooMerchant(hub);
      return {
        ...merchant,
        deliveries: story.deliveries(merchant).map(({ name, delivery }) => ({ label: name, send: () => sendWooEvent(hub, merchant.connectionId, delivery) })),
      };
    },
  };
}

export const wooCommerceStories: ProcessorStories<undefined> = { processor: 'WooCommerce', stories: stories.map(orderStory) };
