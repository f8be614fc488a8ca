/**
 * GoPay order lives. A notification says only "payment <id> changed"; the hub asks GoPay (the API
 * double) what the payment is now. So what varies is when notifications come and what GoPay says
 * by then: a purchase moving CREATED → PAYMENT_METHOD_CHOSEN → PAID → PARTIALLY_REFUNDED (or on to
 * REFUNDED) while they arrive, a recurring payment and its child in either order, a cancelled
 * payment, another GoID's payment. GoPay notifies each paid or refunded state once it is reached;
 * a notification for the purchase may also come at any other time (a retry, a relayed one), so the
 * hub may read any state in between.
 * No dispute stories: GoPay documents no payment state or notification for disputes (providers.md §5).
 */
import { startGoPayApiDouble, type GoPayApiDouble } from '../../../src/doubles/gopay-api-double.js';
import { attributedGoPayPayment, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, gopayPayment, gopayRefunds, notifyGoPay, Q1, setUpGoPayMerchant, type GoPayMerchant } from '../../helpers/gopay.js';
import type { TestHub } from '../../helpers/test-hub.js';
import type { Delivery, ExpectedConversion, OrderStory, ProcessorStories } from '../harness.js';

const R1 = 3000007210;
const R1_CHILD = 3000008344;
const Q3_CANCELED = 3000006617;
const Q6_FOREIGN = 3000009377;

/** A state of Q1 at GoPay: the payment fixture and, once refunded, its refund history. */
interface Q1State {
  payment: string;
  refunds?: string;
}

interface GoPayStory {
  name: string;
  /** Q1's life as GoPay reports it, one state after another (stage 0, 1, …). */
  q1Timeline: Q1State[];
  /** The stages at which GoPay notifies Q1 (any other notification of Q1 comes at stage 0, i.e. at any time). */
  q1Notified: number[];
  /** Payments that do not change during the story, each notified (at any time). */
  others: (merchant: GoPayMerchant) => { id: number; payment: ReturnType<typeof gopayPayment> }[];
  expected: Record<string, ExpectedConversion>;
  numRuns?: number;
}

const stories: GoPayStory[] = [
  {
    name: 'a purchase partly refunded while its notifications arrive; a recurring payment and its child; a cancelled and a foreign payment',
    q1Timeline: [{ payment: 'payment.CREATED.1' }, { payment: 'payment.PAYMENT_METHOD_CHOSEN.1' }, { payment: 'payment.PAID.1' }, { payment: 'payment.PARTIALLY_REFUNDED.1', refunds: 'refunds.1' }],
    q1Notified: [0, 2, 3],
    others: (merchant) => [
      { id: R1, payment: attributedGoPayPayment('payment.PAID.2', merchant) },
      { id: R1_CHILD, payment: gopayPayment('payment.PAID.3') },
      { id: Q3_CANCELED, payment: attributedGoPayPayment('payment.CANCELED.1', merchant) },
      { id: Q6_FOREIGN, payment: attributedGoPayPayment('payment.PAID.5', merchant) },
    ],
    // Worked out by hand from SPEC §9: Q1 1399.50 CZK at 20 % → 279.90; 300.00 refunded (SUCCESS only) → 219.90.
    // R1 299.00 → 59.80, and its child renews it (lifetime campaign) → 59.80. The cancelled and the foreign payment earn nothing.
    expected: {
      [String(Q1)]: { conversionType: 'one_time', amount: 1399.5, refundedAmount: 300, commission: 219.9, status: 'pending' },
      [String(R1)]: { conversionType: 'subscription', amount: 299, refundedAmount: 0, commission: 59.8, status: 'pending' },
      [String(R1_CHILD)]: { conversionType: 'recurring', amount: 299, refundedAmount: 0, commission: 59.8, status: 'pending' },
    },
    numRuns: 15,
  },
  {
    name: 'a purchase refunded in part, then in full, while its notifications arrive',
    q1Timeline: [{ payment: 'payment.PAID.1' }, { payment: 'payment.PARTIALLY_REFUNDED.1', refunds: 'refunds.1' }, { payment: 'payment.REFUNDED.1', refunds: 'refunds.2' }],
    q1Notified: [0, 1, 2],
    others: () => [],
    // 279.90 at first; 300.00 refunded → 219.90; REFUNDED: all of 1399.50 → 0, reversed.
    expected: { [String(Q1)]: { conversionType: 'one_time', amount: 1399.5, refundedAmount: 1399.5, commission: 0, status: 'reversed' } },
  },
];

function orderStory(story: GoPayStory): OrderStory<GoPayApiDouble> {
  return {
    name: story.name,
    expected: story.expected,
    ...(story.numRuns ? { numRuns: story.numRuns } : {}),
    async start(hub: TestHub, double: GoPayApiDouble) {
      const merchant = await setUpGoPayMerchant(hub, double, { campaign: { recurring: 'lifetime' } });
      const setQ1 = (state: Q1State) => double.setPayment(attributedGoPayPayment(state.payment, merchant), state.refunds ? gopayRefunds(state.refunds) : []);
      const [first, ...changes] = story.q1Timeline;
      if (!first) throw new Error(`"${story.name}" has no state for Q1`);
      setQ1(first);
      const others = story.others(merchant);
      for (const { payment } of others) double.setPayment(payment);
      const notify = (id: number, stage = 0): Delivery => ({ label: `notify ${id}${stage > 0 ? ` (stage ${stage})` : ''}`, stage, send: () => notifyGoPay(hub, merchant.connectionId, id) });
      return {
        ...merchant,
        deliveries: [...story.q1Notified.map((stage) => notify(Q1, stage)), ...others.map(({ id }) => notify(id))],
        stages: changes.map((state) => () => setQ1(state)),
      };
    },
  };
}

export const goPayStories: ProcessorStories<GoPayApiDouble> = {
  processor: 'GoPay',
  setUp: (hub) => startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock }),
  tearDown: (double) => double.close(),
  stories: stories.map(orderStory),
};
