/**
 * @module A WooCommerce order (`order.created` / `order.updated`) → canonical records.
 *
 * Woo delivers the order's current state, not what changed (the payload is built at delivery
 * time), and never retries a failed delivery. So each delivery is mapped to everything its state
 * says, purchase first:
 * - `processing` / `completed`: paid (OrderStatus: "Payment has been received") → the purchase;
 * - `refunded`: fully refunded → the purchase too (the delivery that showed it paid may never have
 *   come), and a cumulative refund of the order total;
 * - every entry of `refunds[]` → a single refund keyed by its refund id, `succeeded` (Woo lists a
 *   refund only once it is made), whatever the status;
 * - `pending`, `checkout-draft`, `on-hold`, `failed`, `cancelled` and any other status: not paid →
 *   ignored as `unpaid` (a draft or unpaid checkout is not a sale).
 * The same purchase seen again is recorded once (the order id is the idempotency key); singles are
 * summed and the cumulative report is max'ed, so a full refund listed both ways counts once.
 *
 * WooCommerce core has no renewals and no chargebacks: subscriptions are an extension (whose
 * renewal orders arrive as new orders and are counted as purchases of their own), and disputes are
 * left to the payment gateway's plugin (providers.md §6.2).
 */
import type { MappingResult, RefundRecord, SaleRecord } from '../../src/contract/canonical-records.js';
import { wooMinorAmount } from './woocommerce-amounts.js';
import { wooOrderId, wooReference } from './woocommerce-order-id.js';
import { gmtDate, wooCurrency, wooHints } from './woocommerce-mapping.js';
import type { WooOrder } from './woocommerce-schema.js';

/** Woo reports each order the same way every time: there is nothing to out-rank. */
export const WOO_PRECEDENCE = 1;

const PAID_STATUSES = new Set(['processing', 'completed']);

/** Woo has no test mode: every delivery is as live as the store. */
const LIVEMODE = null;

export interface WooMappingOptions {
  orderIdPrefix?: string | undefined;
}

function optionalAmount(value: string | null | undefined, currency: string, what: string): number {
  return value === null || value === undefined || value.trim() === '' ? 0 : wooMinorAmount(value, currency, what);
}

function purchaseOf(order: WooOrder, orderId: string, currency: string): SaleRecord {
  const customerId = order.customer_id && order.customer_id > 0 ? String(order.customer_id) : null;
  const at = order.date_paid_gmt ?? order.date_created_gmt;
  if (!at) throw new Error(`order ${order.id} has neither date_paid_gmt nor date_created_gmt`);
  return {
    kind: 'purchase',
    orderId,
    occurredAt: gmtDate(at, `order ${order.id} date_paid_gmt`),
    currency,
    // `total` includes tax (and shipping) whether or not prices include tax; `total_tax` is all of the tax.
    amounts: {
      gross: wooMinorAmount(order.total, currency, `order ${order.id} total`),
      tax: optionalAmount(order.total_tax, currency, `order ${order.id} total_tax`),
      shipping: optionalAmount(order.shipping_total, currency, `order ${order.id} shipping_total`),
      discount: optionalAmount(order.discount_total, currency, `order ${order.id} discount_total`),
    },
    amountsPrecedence: WOO_PRECEDENCE,
    conversionType: 'one_time',
    hints: wooHints(order),
    subscriptionKey: null,
    customerKey: null,
    references: [],
    customerEmail: order.billing?.email || null,
    customerId,
    metadata: { woocommerce: { order: order.id, ...(order.number ? { number: order.number } : {}), ...(order.order_key ? { orderKey: order.order_key } : {}) } },
  };
}

function refundsOf(order: WooOrder, orderId: string, currency: string): RefundRecord[] {
  const at = gmtDate(order.date_modified_gmt ?? order.date_created_gmt ?? '', `order ${order.id} date_modified_gmt`);
  const singles = (order.refunds ?? []).map((refund): RefundRecord => ({
    kind: 'refund',
    order: { orderId },
    mode: 'single',
    key: wooReference.refund(refund.id),
    amount: wooMinorAmount(refund.total, currency, `refund ${refund.id} total`),
    currency,
    status: 'succeeded',
    occurredAt: at,
  }));
  if (order.status !== 'refunded') return singles;
  const full: RefundRecord = {
    kind: 'refund', order: { orderId }, mode: 'cumulative', key: wooReference.fullRefund(orderId),
    amount: wooMinorAmount(order.total, currency, `order ${order.id} total`), currency, status: 'succeeded', occurredAt: at,
  };
  return [...singles, full];
}

export function mapWooOrder(order: WooOrder, options: WooMappingOptions): MappingResult {
  const refunded = order.status === 'refunded';
  const wasPaid = PAID_STATUSES.has(order.status) || (refunded && (Boolean(order.date_paid_gmt) || (order.refunds ?? []).length > 0));
  if (!wasPaid) {
    return { outcome: 'ignore', reason: 'unpaid', detail: `order ${order.id} is ${order.status}${refunded ? ' but was never paid' : ': not paid'}`, livemode: LIVEMODE };
  }
  const orderId = wooOrderId(order.id, options.orderIdPrefix);
  const currency = wooCurrency(order.currency);
  if (wooMinorAmount(order.total, currency, `order ${order.id} total`) === 0) {
    return { outcome: 'ignore', reason: 'unpaid', detail: `order ${order.id} was free (total ${order.total})`, livemode: LIVEMODE };
  }
  return { outcome: 'records', records: [purchaseOf(order, orderId, currency), ...refundsOf(order, orderId, currency)], livemode: LIVEMODE };
}
