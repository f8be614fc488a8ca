/**
 * @module `invoice.paid` and `invoice.payment_succeeded`: a subscription's first payment
 * (`subscription_create`), its renewals (`subscription_cycle`, …), or a one-off invoice. The invoice
 * id is the order id. Subscription metadata comes from `parent.subscription_details.metadata`
 * (API ≥ 2025-03-31) or the top-level `subscription_details.metadata` (before).
 *
 * Both events carry the same Invoice object ("invoice.paid: Occurs whenever an invoice payment
 * attempt succeeds or an invoice is marked as paid out-of-band"; "invoice.payment_succeeded: Occurs
 * whenever an invoice payment attempt succeeds", providers.md §1.2), so they map alike, with the same
 * precedence: whichever arrives first records the sale under the invoice id, the other finds it
 * recorded and changes nothing.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { invoiceSchema, type StripeEvent } from '../stripe-schema.js';
import { stripeReference } from '../stripe-references.js';
import { hintsFrom, ignore, occurredAt, records, stripeCurrency, stripeIds } from '../stripe-mapping.js';

/** The invoice itemises taxes and discounts exactly: the most detailed report of a subscription sale. */
export const INVOICE_PRECEDENCE = 3;

const RENEWAL_REASONS = new Set(['subscription_cycle', 'subscription_update', 'subscription_threshold', 'subscription']);

const sum = (items: readonly { amount: number }[] | null | undefined) => (items ?? []).reduce((total, item) => total + item.amount, 0);

export function mapInvoicePaid(event: StripeEvent): MappingResult {
  const invoice = invoiceSchema.parse(event.data.object);
  const subscription = invoice.parent?.subscription_details?.subscription ?? invoice.subscription;
  const reason = invoice.billing_reason ?? 'manual';
  if (invoice.amount_paid === 0) {
    // A free trial's first invoice earns nothing, but it is the subscription's first sale: binding
    // the subscription to it lets the first paid renewal know it is a renewal, not wait for a sale.
    if (subscription && reason === 'subscription_create') {
      return records(event, { kind: 'link', orderId: invoice.id, references: [stripeReference.subscription(subscription), ...(invoice.customer ? [stripeReference.customer(invoice.customer)] : [])] });
    }
    return ignore(event, 'unpaid', `invoice ${invoice.id} was paid with no money (trial or full credit)`);
  }
  const isRenewal = RENEWAL_REASONS.has(reason);
  if (!subscription && reason !== 'manual') return ignore(event, 'irrelevant_event', `invoice ${invoice.id} (${reason}) belongs to no subscription`);

  const snapshot = invoice.parent?.subscription_details?.metadata ?? invoice.subscription_details?.metadata ?? {};
  const lineMetadata = invoice.lines?.data.find((line) => Object.keys(line.metadata).length > 0)?.metadata ?? {};
  const metadata = Object.keys(snapshot).length > 0 ? snapshot : Object.keys(lineMetadata).length > 0 ? lineMetadata : invoice.metadata;
  const source = invoice.parent ? 'invoice parent.subscription_details.metadata' : invoice.subscription_details ? 'invoice subscription_details.metadata' : 'invoice metadata';
  const tax = typeof invoice.total === 'number' && typeof invoice.total_excluding_tax === 'number' ? invoice.total - invoice.total_excluding_tax : (invoice.tax ?? sum(invoice.total_taxes));

  return records(event, {
    kind: isRenewal ? 'renewal' : 'purchase',
    orderId: invoice.id,
    occurredAt: occurredAt(event),
    currency: stripeCurrency(invoice.currency),
    amounts: { gross: invoice.amount_paid, tax: Math.max(0, tax), shipping: 0, discount: sum(invoice.total_discount_amounts) },
    amountsPrecedence: INVOICE_PRECEDENCE,
    conversionType: isRenewal ? 'recurring' : subscription ? 'subscription' : 'one_time',
    hints: hintsFrom(metadata, source),
    subscriptionKey: subscription ? stripeReference.subscription(subscription) : null,
    customerKey: invoice.customer ? stripeReference.customer(invoice.customer) : null,
    references: [
      stripeReference.invoice(invoice.id),
      ...(invoice.payment_intent ? [stripeReference.paymentIntent(invoice.payment_intent)] : []),
      ...(invoice.charge ? [stripeReference.charge(invoice.charge)] : []),
    ],
    customerEmail: invoice.customer_email ?? null,
    customerId: invoice.customer,
    metadata: stripeIds({ invoice: invoice.id, subscription, customer: invoice.customer, billingReason: reason }),
  });
}
