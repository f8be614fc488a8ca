/**
 * Stripe order lives: a one-off payment seen as a Checkout Session and a PaymentIntent, refunded in
 * parts or in full (refunds by id, the charge's cumulative total), disputed — lost, or lost then won;
 * a subscription's first invoice seen three ways, a renewal, and the renewal refunded; the same with
 * invoice.payment_succeeded beside or instead of invoice.paid.
 */
import { attributedStripeFixture, sendStripeEvent, setUpStripeMerchant, stripeFixture, withStripeAttribution, type StripeFixture, type StripeMerchant } from '../../helpers/stripe.js';
import type { TestHub } from '../../helpers/test-hub.js';
import type { ExpectedConversion, OrderStory, ProcessorStories } from '../harness.js';

interface StripeStory {
  name: string;
  campaign: Record<string, unknown>;
  /** Fixture names; `attributed` ones carry the merchant's click in their metadata. */
  deliveries: (merchant: StripeMerchant) => { name: string; event: StripeFixture }[];
  expected: Record<string, ExpectedConversion>;
}

const attributed = (name: string, merchant: StripeMerchant) => ({ name, event: attributedStripeFixture(name, merchant) });
const plain = (name: string) => ({ name, event: stripeFixture(name) });

const A = 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5';

/** The invoice event as Stripe sends it to endpoints subscribed to invoice.payment_succeeded. */
const paymentSucceeded = (name: string, merchant: StripeMerchant | null) => {
  const event = merchant ? attributedStripeFixture(name, merchant) : withStripeAttribution(stripeFixture(name), { clickId: null, visitorId: null, programId: null });
  return { name: `${name} as invoice.payment_succeeded`, event: { ...event, id: `${event.id}ps`, type: 'invoice.payment_succeeded' } };
};

const stories: StripeStory[] = [
  {
    name: 'a one-off payment refunded in three refunds (one failed), disputed, lost, then won back',
    campaign: {},
    deliveries: (merchant) => [
      attributed('checkout.session.completed.1', merchant),
      attributed('payment_intent.succeeded.1', merchant),
      plain('refund.created.1'),
      plain('charge.refunded.1'),
      plain('refund.created.2'),
      plain('refund.updated.2'),
      plain('charge.dispute.funds_withdrawn.1'),
      plain('charge.dispute.closed.1'),
      plain('charge.dispute.funds_reinstated.1'),
      plain('charge.dispute.closed.2'),
    ],
    // Gross 49.50, net 45.00 → C0 9.00. Refunded: 10.00 (re_1; the 39.50 is still pending, the 5.00 failed).
    // Dispute won → not held. Commission round(9.00 × 39.50 / 49.50) = 7.18.
    expected: { [A]: { conversionType: 'one_time', amount: 49.5, taxAmount: 4.5, refundedAmount: 10, commission: 7.18, status: 'pending' } },
  },
  {
    name: 'a one-off payment refunded 10.00, disputed and lost',
    campaign: {},
    deliveries: (merchant) => [
      attributed('checkout.session.completed.1', merchant),
      attributed('payment_intent.succeeded.1', merchant),
      plain('refund.created.1'),
      plain('charge.refunded.1'),
      plain('charge.dispute.funds_withdrawn.1'),
      plain('charge.dispute.closed.1'),
    ],
    // C0 9.00, refunded 10.00; the lost dispute takes what is left → 0, reversed (the refund stays recorded).
    expected: { [A]: { conversionType: 'one_time', amount: 49.5, refundedAmount: 10, commission: 0, status: 'reversed' } },
  },
  {
    name: 'a one-off payment refunded in full: 10.00, then the 39.50 pending then succeeded, and a failed 5.00',
    campaign: {},
    deliveries: (merchant) => [
      attributed('checkout.session.completed.1', merchant),
      attributed('payment_intent.succeeded.1', merchant),
      plain('refund.created.1'),
      plain('charge.refunded.1'),
      plain('refund.created.2'),
      plain('refund.updated.1'),
      plain('charge.refunded.2'),
      plain('refund.updated.2'),
    ],
    // Refunds by id 10.00 + 39.50 (re_3 failed) and the charge's cumulative 49.50 describe the same
    // money: max(49.50, 49.50) = 49.50, all of it → 0, reversed.
    expected: { [A]: { conversionType: 'one_time', amount: 49.5, refundedAmount: 49.5, commission: 0, status: 'reversed' } },
  },
  {
    name: 'a subscription: first payment seen three ways, a renewal, and the renewal refunded',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributed('checkout.session.completed.2', merchant),
      attributed('invoice.paid.1', merchant),
      plain('invoice_payment.paid.1'),
      attributed('invoice.paid.2', merchant),
      plain('invoice_payment.paid.2'),
      plain('charge.refunded.3'),
    ],
    // First invoice 21.80 with 1.80 tax → 4.00; the renewal, fully refunded → 0, reversed.
    expected: {
      in_1UcT4p7HnQ2eLx4KfhClnQuH: { conversionType: 'subscription', amount: 21.8, commission: 4, refundedAmount: 0, status: 'pending' },
      in_1UjW8d7HnQ2eLx4KteoaJA1C: { conversionType: 'recurring', amount: 21.8, commission: 0, refundedAmount: 21.8, status: 'reversed' },
    },
  },
  {
    name: 'a subscription: first invoice seen as invoice.paid and invoice.payment_succeeded, a renewal seen only as invoice.payment_succeeded, refunded',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributed('invoice.paid.1', merchant),
      paymentSucceeded('invoice.paid.1', merchant),
      plain('invoice_payment.paid.1'),
      paymentSucceeded('invoice.paid.2', null),
      plain('invoice_payment.paid.2'),
      plain('charge.refunded.3'),
    ],
    // The same money as the story above: 4.00 on the first invoice; the renewal, attributed through
    // the subscription and fully refunded → 0, reversed.
    expected: {
      in_1UcT4p7HnQ2eLx4KfhClnQuH: { conversionType: 'subscription', amount: 21.8, taxAmount: 1.8, commission: 4, refundedAmount: 0, status: 'pending' },
      in_1UjW8d7HnQ2eLx4KteoaJA1C: { conversionType: 'recurring', amount: 21.8, commission: 0, refundedAmount: 21.8, status: 'reversed' },
    },
  },
];

function orderStory(story: StripeStory): OrderStory<undefined> {
  return {
    name: story.name,
    expected: story.expected,
    async start(hub: TestHub) {
      const merchant = await setUpStripeMerchant(hub, story.campaign);
      return {
        ...merchant,
        deliveries: story.deliveries(merchant).map(({ name, event }) => ({ label: name, send: () => sendStripeEvent(hub, merchant.connectionId, event) })),
      };
    },
  };
}

export const stripeStories: ProcessorStories<undefined> = { processor: 'Stripe', stories: stories.map(orderStory) };
