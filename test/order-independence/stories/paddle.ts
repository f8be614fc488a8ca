/**
 * Paddle Billing order lives: a one-off transaction seen as paid then completed (and replayed under a
 * new notification_id) or as paid alone, refunds that count once approved (one rejected), a
 * chargeback — reversed, or not; a subscription's first payment and a renewal refunded in full, also
 * each seen as transaction.paid and transaction.completed; a JPY sale refunded in full.
 * Besides the conversions, every run checks that each distinct event was stored once, whatever the
 * re-deliveries and replays.
 */
import { expect } from 'vitest';
import {
  attributedPaddleFixture,
  paddleFixture,
  sendPaddleEvent,
  setPaddleField,
  setUpPaddleMerchant,
  withPaddleEventId,
  type PaddleFixture,
  type PaddleMerchant,
} from '../../helpers/paddle.js';
import type { TestHub } from '../../helpers/test-hub.js';
import type { ExpectedConversion, OrderStory, ProcessorStories } from '../harness.js';

interface PaddleStory {
  name: string;
  campaign: Record<string, unknown>;
  deliveries: (merchant: PaddleMerchant) => { name: string; event: PaddleFixture }[];
  expected: Record<string, ExpectedConversion>;
}

const attributed = (name: string, merchant: PaddleMerchant) => ({ name, event: attributedPaddleFixture(name, merchant) });
const plain = (name: string) => ({ name, event: paddleFixture(name) });

/** The renewal of P2 refunded in full, approved (and its pending creation before that). */
function renewalRefund(status: 'pending_approval' | 'approved') {
  const event = withPaddleEventId(paddleFixture(status === 'approved' ? 'adjustment.updated.1' : 'adjustment.created.1'), status === 'approved' ? 'rnwapproved' : 'rnwcreated');
  setPaddleField(event, 'data.id', 'adj_01kkp3rq1v9x5c7b2n4m6z8hwd');
  setPaddleField(event, 'data.transaction_id', 'txn_01kjt993v71k318vs7j5aqxx02');
  setPaddleField(event, 'data.subscription_id', 'sub_01kgj64pqmp5r1mpytfv79h06s');
  setPaddleField(event, 'data.currency_code', 'EUR');
  setPaddleField(event, 'data.totals', { subtotal: '2900', tax: '551', total: '3451', currency_code: 'EUR' });
  return { name: `renewal refund ${status}`, event };
}

const P1 = 'txn_01kkc0w94tt29x4kad8y2xe71q';

/**
 * A subscription transaction as its `transaction.paid` announced it: paid, not yet processed, so
 * without the subscription id and invoice number completion adds (the rest as completed).
 */
function paidTransaction(name: string, merchant: PaddleMerchant, suffix: string, options: { subscriptionKnown: boolean }) {
  const event = withPaddleEventId(attributedPaddleFixture(name, merchant), suffix);
  setPaddleField(event, 'event_type', 'transaction.paid');
  setPaddleField(event, 'data.status', 'paid');
  setPaddleField(event, 'data.invoice_number', null);
  if (!options.subscriptionKnown) setPaddleField(event, 'data.subscription_id', null);
  return { name: `${name} as transaction.paid`, event };
}

const stories: PaddleStory[] = [
  {
    name: 'a one-off sale: paid then completed (and replayed), three refunds (one rejected), a chargeback and its reversal',
    campaign: {},
    deliveries: (merchant) => [
      attributed('transaction.paid.1', merchant),
      attributed('transaction.completed.1', merchant),
      attributed('transaction.completed.5', merchant),
      plain('adjustment.created.1'),
      plain('adjustment.updated.1'),
      plain('adjustment.created.2'),
      plain('adjustment.updated.2'),
      plain('adjustment.updated.3'),
      plain('adjustment.created.3'),
      plain('adjustment.created.4'),
    ],
    // Gross 49.05, net 45.00 → C0 9.00. Approved refunds 10.00 + 20.00 (the 39.05 was rejected);
    // the chargeback was reversed. Commission round(9.00 × (49.05 − 30.00) / 49.05) = round(3.495…) = 3.50.
    expected: { [P1]: { conversionType: 'one_time', amount: 49.05, taxAmount: 4.05, refundedAmount: 30, commission: 3.5, status: 'pending' } },
  },
  {
    name: 'a one-off sale refunded 10.00, then charged back (lost)',
    campaign: {},
    deliveries: (merchant) => [
      attributed('transaction.paid.1', merchant),
      attributed('transaction.completed.1', merchant),
      plain('adjustment.created.1'),
      plain('adjustment.updated.1'),
      plain('adjustment.created.3'),
    ],
    // C0 9.00, 10.00 refunded; the chargeback that is never reversed takes the rest → 0, reversed.
    expected: { [P1]: { conversionType: 'one_time', amount: 49.05, refundedAmount: 10, commission: 0, status: 'reversed' } },
  },
  {
    name: 'a subscription: first payment, a renewal refunded in full, the cancellation',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      attributed('transaction.completed.2', merchant),
      attributed('transaction.completed.3', merchant),
      renewalRefund('pending_approval'),
      renewalRefund('approved'),
      plain('subscription.canceled.1'),
    ],
    // 34.51 EUR with 5.51 VAT → 5.80 each; the renewal, fully refunded → 0, reversed.
    expected: {
      txn_01kgj60as33833tfadgf99b31q: { conversionType: 'subscription', amount: 34.51, commission: 5.8, refundedAmount: 0, status: 'pending' },
      txn_01kjt993v71k318vs7j5aqxx02: { conversionType: 'recurring', amount: 34.51, commission: 0, refundedAmount: 34.51, status: 'reversed' },
    },
  },
  {
    name: 'a one-off sale seen only as transaction.paid (an endpoint subscribed to it alone): refunds, a chargeback and its reversal',
    campaign: {},
    deliveries: (merchant) => [
      attributed('transaction.paid.1', merchant),
      plain('adjustment.created.1'),
      plain('adjustment.updated.1'),
      plain('adjustment.created.2'),
      plain('adjustment.updated.2'),
      plain('adjustment.updated.3'),
      plain('adjustment.created.3'),
      plain('adjustment.created.4'),
    ],
    // The same money as the completed story: C0 9.00, 30.00 refunded, chargeback reversed → 3.50.
    expected: { [P1]: { conversionType: 'one_time', amount: 49.05, taxAmount: 4.05, refundedAmount: 30, commission: 3.5, status: 'pending' } },
  },
  {
    name: 'a subscription seen as transaction.paid (before its subscription id) and transaction.completed, a renewal seen both ways and refunded',
    campaign: { recurring: 'lifetime' },
    deliveries: (merchant) => [
      paidTransaction('transaction.completed.2', merchant, 'firstpaid', { subscriptionKnown: false }),
      attributed('transaction.completed.2', merchant),
      paidTransaction('transaction.completed.3', merchant, 'renewpaid', { subscriptionKnown: true }),
      attributed('transaction.completed.3', merchant),
      renewalRefund('pending_approval'),
      renewalRefund('approved'),
    ],
    // Whichever event of each transaction is processed first, one conversion each: the first
    // payment is a subscription's (its items recur) with 5.80; the renewal, fully refunded → 0.
    expected: {
      txn_01kgj60as33833tfadgf99b31q: { conversionType: 'subscription', amount: 34.51, taxAmount: 5.51, commission: 5.8, refundedAmount: 0, status: 'pending' },
      txn_01kjt993v71k318vs7j5aqxx02: { conversionType: 'recurring', amount: 34.51, commission: 0, refundedAmount: 34.51, status: 'reversed' },
    },
  },
  {
    name: 'a JPY sale refunded in full',
    campaign: {},
    deliveries: (merchant) => [attributed('transaction.completed.4', merchant), plain('adjustment.updated.4')],
    // ¥4,990 in whole yen (a zero-decimal currency), all refunded → 0, reversed.
    expected: { txn_01kkzbd60nagsrg3z5hbf222nz: { conversionType: 'one_time', currency: 'JPY', amount: 4990, commission: 0, refundedAmount: 4990, status: 'reversed' } },
  },
];

function orderStory(story: PaddleStory): OrderStory<undefined> {
  return {
    name: story.name,
    expected: story.expected,
    async start(hub: TestHub) {
      const merchant = await setUpPaddleMerchant(hub, story.campaign);
      const deliveries = story.deliveries(merchant);
      return {
        ...merchant,
        deliveries: deliveries.map(({ name, event }) => ({ label: name, send: () => sendPaddleEvent(hub, merchant.connectionId, event) })),
        async verify() {
          // Every distinct event was stored once, whatever the re-deliveries (transaction.completed .1 and .5 are one event).
          const stored = await hub.services.db.selectFrom('inbound_event').select('provider_event_id').where('connection_id', '=', merchant.connectionId).execute();
          expect(stored.length).toBe(new Set(deliveries.map(({ event }) => event.event_id)).size);
        },
      };
    },
  };
}

export const paddleStories: ProcessorStories<undefined> = { processor: 'Paddle', stories: stories.map(orderStory) };
