/**
 * @module `subscription_payment_success` and `subscription_payment_refunded` (Subscription invoice
 * objects), plus the events that only echo them.
 *
 * - `billing_reason: initial` is the subscription's first payment: the same money as the
 *   `order_created` sent alongside it, which records the sale. Counting it too would count that
 *   money twice, so it is ignored as `not_new_money`. (It cannot bind the subscription to the
 *   order either: an invoice does not name its order.)
 * - Any later paid invoice (`renewal`, or a charge after a plan change) is a renewal, recorded under
 *   the invoice id and attributed through the subscription's binding when its own
 *   `meta.custom_data` does not attribute it (the docs promise custom data only for order and
 *   subscription events).
 * - A refund reports the invoice's cumulative `refunded_amount`. A renewal's refund belongs to the
 *   renewal's conversion; an initial invoice's refund is money of the first order, found through
 *   the subscription reference that the subscription's events bound to that order.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { lemonSqueezyOrderId, lemonSqueezyReference } from '../lemonsqueezy-references.js';
import { hintsOf, ignore, lemonSqueezyCurrency, parseTime, records } from '../lemonsqueezy-mapping.js';
import { subscriptionInvoiceAttributesSchema, type LemonSqueezyEvent } from '../lemonsqueezy-schema.js';
import { ORDER_PRECEDENCE } from './order.js';

const INITIAL = 'initial';

export function mapSubscriptionPaymentSuccess(event: LemonSqueezyEvent): MappingResult {
  const invoice = subscriptionInvoiceAttributesSchema.parse(event.data.attributes);
  const id = event.data.id;
  if (invoice.billing_reason === INITIAL) {
    return ignore(event, 'not_new_money', `invoice ${id} is the first payment of subscription ${invoice.subscription_id}: its order_created records that money`);
  }
  if (invoice.status === 'pending' || invoice.status === 'void') return ignore(event, 'unpaid', `invoice ${id} is ${invoice.status}`);
  if (invoice.total === 0) return ignore(event, 'unpaid', `invoice ${id} charged nothing (total 0)`);
  const customer = invoice.customer_id ?? null;
  return records(event, {
    kind: 'renewal',
    orderId: lemonSqueezyOrderId.subscriptionInvoice(id),
    occurredAt: parseTime(invoice.created_at, `invoice ${id} created_at`),
    currency: lemonSqueezyCurrency(invoice.currency),
    amounts: { gross: invoice.total, tax: invoice.tax ?? 0, shipping: 0, discount: invoice.discount_total ?? 0 },
    amountsPrecedence: ORDER_PRECEDENCE,
    conversionType: 'recurring',
    hints: hintsOf(event),
    subscriptionKey: lemonSqueezyReference.subscription(invoice.subscription_id),
    // Not the customer: a customer's other purchases must not decide whose renewal this is.
    customerKey: null,
    references: [lemonSqueezyReference.subscriptionInvoice(id)],
    customerEmail: invoice.user_email ?? null,
    customerId: customer,
    metadata: { lemonsqueezy: { subscriptionInvoice: id, subscription: invoice.subscription_id, billingReason: invoice.billing_reason ?? null } },
  });
}

export function mapSubscriptionPaymentRefunded(event: LemonSqueezyEvent): MappingResult {
  const invoice = subscriptionInvoiceAttributesSchema.parse(event.data.attributes);
  const id = event.data.id;
  const amount = invoice.refunded_amount ?? (invoice.refunded === true ? invoice.total : 0);
  if (amount === 0) return ignore(event, 'irrelevant_event', `invoice ${id} reports no refunded amount`);
  return records(event, {
    kind: 'refund',
    order: invoice.billing_reason === INITIAL
      ? { reference: lemonSqueezyReference.subscription(invoice.subscription_id) }
      : { orderId: lemonSqueezyOrderId.subscriptionInvoice(id) },
    mode: 'cumulative',
    key: lemonSqueezyReference.subscriptionInvoice(id),
    amount,
    currency: lemonSqueezyCurrency(invoice.currency),
    status: 'succeeded',
    occurredAt: parseTime(invoice.refunded_at ?? invoice.updated_at ?? invoice.created_at, `invoice ${id} refunded_at`),
  });
}
