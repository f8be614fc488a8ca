/**
 * @module `checkout.session.completed` and `checkout.session.async_payment_succeeded|failed`.
 * A paid payment-mode session is the sale of its PaymentIntent; a subscription-mode session is the
 * sale of its first invoice. Either way the order id matches what the other events of the sale use.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { asIdToken } from '../../../src/lib/attribution-keys.js';
import { checkoutSessionSchema, type StripeEvent } from '../stripe-schema.js';
import { stripeReference } from '../stripe-references.js';
import { hintsFrom, ignore, occurredAt, records, stripeCurrency, stripeIds } from '../stripe-mapping.js';

/** A session itemises tax, shipping and discount: more detail than a PaymentIntent, less than the invoice. */
export const SESSION_PRECEDENCE = 2;

export function mapCheckoutSession(event: StripeEvent): MappingResult {
  const session = checkoutSessionSchema.parse(event.data.object);
  if (event.type === 'checkout.session.async_payment_failed') {
    return ignore(event, 'unpaid', `checkout session ${session.id}: the delayed payment failed`);
  }
  if (session.mode === 'setup') return ignore(event, 'irrelevant_event', `checkout session ${session.id} only saved a payment method`);
  if (session.payment_status === 'unpaid') {
    return ignore(event, 'unpaid', `checkout session ${session.id} is not paid yet; checkout.session.async_payment_succeeded will record it`);
  }
  if (session.payment_status === 'no_payment_required') {
    return ignore(event, 'unpaid', `checkout session ${session.id} needed no payment (free or trial)`);
  }
  const orderId = session.mode === 'payment' ? session.payment_intent : session.invoice;
  if (!orderId) {
    return ignore(event, 'irrelevant_event', `checkout session ${session.id} names no ${session.mode === 'payment' ? 'PaymentIntent' : 'invoice'}; the ${session.mode === 'payment' ? 'payment_intent.succeeded' : 'invoice.paid'} event records the sale`);
  }
  if (session.amount_total === null || session.amount_total === undefined || !session.currency) throw new Error(`checkout session ${session.id} has no amount_total/currency`);

  const clickFromReference = asIdToken(session.client_reference_id);
  const source = clickFromReference ? 'checkout session client_reference_id/metadata' : 'checkout session metadata';
  return records(event, {
    kind: 'purchase',
    orderId,
    occurredAt: occurredAt(event),
    currency: stripeCurrency(session.currency),
    amounts: {
      gross: session.amount_total,
      tax: session.total_details?.amount_tax ?? 0,
      shipping: session.total_details?.amount_shipping ?? 0,
      discount: session.total_details?.amount_discount ?? 0,
    },
    amountsPrecedence: SESSION_PRECEDENCE,
    conversionType: session.mode === 'subscription' ? 'subscription' : 'one_time',
    hints: hintsFrom(session.metadata, source, clickFromReference),
    subscriptionKey: session.subscription ? stripeReference.subscription(session.subscription) : null,
    customerKey: session.customer ? stripeReference.customer(session.customer) : null,
    references: [
      stripeReference.checkoutSession(session.id),
      ...(session.payment_intent ? [stripeReference.paymentIntent(session.payment_intent)] : []),
      ...(session.invoice ? [stripeReference.invoice(session.invoice)] : []),
    ],
    customerEmail: session.customer_details?.email ?? session.customer_email ?? null,
    customerId: session.customer,
    metadata: stripeIds({ checkoutSession: session.id, paymentIntent: session.payment_intent, invoice: session.invoice, subscription: session.subscription, customer: session.customer }),
  });
}
