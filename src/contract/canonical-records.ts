/**
 * @module The canonical records every adapter maps processor events to (SPEC §7). The engine knows
 * only these; nothing processor-specific crosses this line except inside `metadata`.
 */

/** Where the processor's metadata said the sale came from. */
export interface AttributionHints {
  visitorId: string | null;
  clickId: string | null;
  programId: string | null;
  /** Where the hints were read, in words, for the event's trace ("metadata.client_reference_id"). */
  source: string;
}

/** Money of one sale in integer minor units of `currency`. */
export interface SaleAmounts {
  gross: number;
  tax: number;
  shipping: number;
  discount: number;
}

/** A paid sale: the first payment (`purchase`) or a subscription renewal (`renewal`). */
export interface SaleRecord {
  kind: 'purchase' | 'renewal';
  /** The idempotency key: the processor's natural order id (SPEC §7 table). */
  orderId: string;
  occurredAt: Date;
  /** ISO 4217, uppercase. */
  currency: string;
  amounts: SaleAmounts;
  /**
   * How complete `amounts` is. When one sale arrives through several events, the most detailed
   * wins whatever the arrival order (a Checkout Session itemises tax; a PaymentIntent does not).
   */
  amountsPrecedence: number;
  conversionType: 'one_time' | 'subscription' | 'recurring';
  hints: AttributionHints;
  /** Binds renewals to this sale's attribution (e.g. `stripe:subscription:sub_…`). */
  subscriptionKey: string | null;
  /** Binds later sales of the same customer (e.g. `stripe:customer:cus_…`). */
  customerKey: string | null;
  /** Other ids that name this order, for refunds and disputes that only carry those. */
  references: string[];
  /** Raw customer email / processor customer id: the engine stores only keyed hashes of them. */
  customerEmail: string | null;
  customerId: string | null;
  /** Processor facts worth keeping on the conversion (ids of the session, subscription, …). */
  metadata: Record<string, unknown>;
}

/** Finds an order by its id, or by a reference another event registered for it. */
export type OrderLocator = { orderId: string } | { reference: string };

export type RefundStatus = 'succeeded' | 'pending' | 'failed' | 'canceled';

/**
 * Money given back. `single` is one refund with its own amount and status (Stripe `re_…`, a Paddle
 * adjustment); `cumulative` is the order's refunded total as the processor reports it (Stripe
 * `charge.amount_refunded`, Lemon Squeezy `refunded_amount`). Either way the engine keeps the
 * order's refunded total as the larger of "sum of succeeded singles" and "largest cumulative report",
 * which makes every arrival order and every re-delivery end in the same total.
 */
export interface RefundRecord {
  kind: 'refund';
  order: OrderLocator;
  mode: 'single' | 'cumulative';
  /** Identifies the fact: the refund id (single) or the reporting object (cumulative). */
  key: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  occurredAt: Date;
}

/** A dispute lost (`chargeback`, reverses like a full refund) or won (`chargeback_won`, restores). */
export interface DisputeRecord {
  kind: 'chargeback' | 'chargeback_won';
  order: OrderLocator;
  /** One dispute's id; a won outcome beats a lost one for the same key. */
  disputeKey: string;
  occurredAt: Date;
}

/** Ties more references to an order, e.g. Stripe `invoice_payment.paid` (invoice ↔ PaymentIntent). */
export interface LinkRecord {
  kind: 'link';
  orderId: string;
  references: string[];
}

export type CanonicalRecord = SaleRecord | RefundRecord | DisputeRecord | LinkRecord;

/** Why a verified event leads to nothing (SPEC §6 event reasons). */
export type IgnoreReason =
  | 'irrelevant_event'
  | 'unpaid'
  | 'test_mode'
  | 'not_new_money'
  | 'unattributed'
  | 'unknown_campaign'
  | 'recurring_disabled'
  | 'recurring_window_ended'
  | 'affiliate_not_approved'
  | 'foreign_account';

export type MappingResult =
  | { outcome: 'records'; records: CanonicalRecord[]; livemode: boolean | null }
  | { outcome: 'ignore'; reason: IgnoreReason; detail: string; livemode: boolean | null }
  /** Cannot be decided yet (e.g. a partial refund whose amount needs the processor's API). */
  | { outcome: 'wait'; detail: string; livemode: boolean | null };
