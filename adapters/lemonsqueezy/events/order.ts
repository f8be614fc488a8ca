/**
 * @module `order_created` and `order_refunded` (Order objects).
 *
 * A paid order is the purchase; its order id is the conversion's order id. An order's
 * `refunded_amount` is the cumulative total given back ("full or partial refund", event-types
 * page), so every refund is reported as a `cumulative` record keyed by the order: the engine keeps
 * the largest total it has seen, whatever order the deliveries come in. The refund's `status`
 * string is not relied on (`paid` in the API docs' partial-refund example, `partial_refund` in
 * practice — providers.md §3.2).
 *
 * Lemon Squeezy has no chargeback event: as merchant of record it settles disputes itself and
 * normally refunds the buyer, which reaches the hub as `order_refunded` (providers.md §3.2).
 */
import type { MappingResult, RefundRecord } from '../../../src/contract/canonical-records.js';
import { lemonSqueezyOrderId, lemonSqueezyReference } from '../lemonsqueezy-references.js';
import { hintsOf, ignore, lemonSqueezyCurrency, parseTime, records } from '../lemonsqueezy-mapping.js';
import { orderAttributesSchema, type LemonSqueezyEvent, type OrderAttributes } from '../lemonsqueezy-schema.js';

/** Lemon Squeezy reports each sale through one event only: there is nothing to out-rank. */
export const ORDER_PRECEDENCE = 1;

/** Statuses of an order whose money was never taken. */
const UNPAID_STATUSES = new Set(['pending', 'failed', 'fraudulent']);

/** The order's refunded total, read from the amount (a fully refunded order without one gave back its total). */
function refundedTotal(order: OrderAttributes): number {
  return order.refunded_amount ?? (order.refunded === true ? order.total : 0);
}

function orderRefund(event: LemonSqueezyEvent, order: OrderAttributes): RefundRecord {
  return {
    kind: 'refund',
    order: { orderId: lemonSqueezyOrderId.order(event.data.id) },
    mode: 'cumulative',
    key: lemonSqueezyReference.order(event.data.id),
    amount: refundedTotal(order),
    currency: lemonSqueezyCurrency(order.currency),
    status: 'succeeded',
    occurredAt: parseTime(order.refunded_at ?? order.updated_at ?? order.created_at, `order ${event.data.id} refunded_at`),
  };
}

export function mapOrderCreated(event: LemonSqueezyEvent): MappingResult {
  const order = orderAttributesSchema.parse(event.data.attributes);
  const id = event.data.id;
  if (UNPAID_STATUSES.has(order.status)) return ignore(event, 'unpaid', `order ${id} is ${order.status}: no money was taken`);
  if (order.total === 0) return ignore(event, 'unpaid', `order ${id} was free (total 0)`);
  const currency = lemonSqueezyCurrency(order.currency);
  const customer = order.customer_id ?? null;
  const purchase = {
    kind: 'purchase' as const,
    orderId: lemonSqueezyOrderId.order(id),
    occurredAt: parseTime(order.created_at, `order ${id} created_at`),
    currency,
    // `total` includes tax whether or not prices are tax-inclusive; `tax` is its tax part. No shipping: digital goods.
    amounts: { gross: order.total, tax: order.tax ?? 0, shipping: 0, discount: order.discount_total ?? 0 },
    amountsPrecedence: ORDER_PRECEDENCE,
    conversionType: 'one_time' as const,
    hints: hintsOf(event),
    // The order does not name its subscription; the subscription's events tie it to this order (events/subscription.ts).
    subscriptionKey: null,
    customerKey: customer ? lemonSqueezyReference.customer(customer) : null,
    references: [lemonSqueezyReference.order(id)],
    customerEmail: order.user_email ?? null,
    customerId: customer,
    metadata: { lemonsqueezy: { order: id, ...(order.identifier ? { identifier: order.identifier } : {}), ...(order.order_number ? { orderNumber: order.order_number } : {}) } },
  };
  // An order refunded before this delivery was built still was a sale; its refund comes along.
  return refundedTotal(order) > 0 ? records(event, purchase, orderRefund(event, order)) : records(event, purchase);
}

export function mapOrderRefunded(event: LemonSqueezyEvent): MappingResult {
  const order = orderAttributesSchema.parse(event.data.attributes);
  if (refundedTotal(order) === 0) return ignore(event, 'irrelevant_event', `order ${event.data.id} reports no refunded amount`);
  return records(event, orderRefund(event, order));
}
