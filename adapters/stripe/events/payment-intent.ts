/**
 * @module `payment_intent.succeeded`: the sale of a custom PaymentIntent flow, or of a Checkout
 * payment when the session's `payment_intent_data.metadata` carried the hub's keys.
 *
 * A PaymentIntent without the hub's keys is not recorded: subscription invoices pay through
 * PaymentIntents too, and since API 2025-03-31 a PaymentIntent no longer says which invoice it
 * pays, so counting it would count the invoice's money twice. Its session or invoice records the sale.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { hasAttributionKeys, readAttributionKeys } from '../../../src/lib/attribution-keys.js';
import { paymentIntentSchema, type StripeEvent } from '../stripe-schema.js';
import { stripeReference } from '../stripe-references.js';
import { hintsFrom, ignore, occurredAt, records, stripeCurrency, stripeIds } from '../stripe-mapping.js';

/** A PaymentIntent knows only its total: the least itemised report of a sale. */
export const PAYMENT_INTENT_PRECEDENCE = 1;

export function mapPaymentIntentSucceeded(event: StripeEvent): MappingResult {
  const intent = paymentIntentSchema.parse(event.data.object);
  const charge = intent.latest_charge;
  if (intent.invoice) {
    // Before API 2025-03-31 the PaymentIntent names its invoice: the invoice is the order.
    return records(event, {
      kind: 'link',
      orderId: intent.invoice,
      references: [stripeReference.paymentIntent(intent.id), ...(charge ? [stripeReference.charge(charge)] : [])],
    });
  }
  if (!hasAttributionKeys(readAttributionKeys(intent.metadata))) {
    return ignore(event, 'unattributed', `PaymentIntent ${intent.id} carries no visitor_id/click_id/program_id metadata; its Checkout Session or invoice records the sale`);
  }
  return records(event, {
    kind: 'purchase',
    orderId: intent.id,
    occurredAt: occurredAt(event),
    currency: stripeCurrency(intent.currency),
    amounts: { gross: intent.amount_received ?? intent.amount, tax: 0, shipping: 0, discount: 0 },
    amountsPrecedence: PAYMENT_INTENT_PRECEDENCE,
    conversionType: 'one_time',
    hints: hintsFrom(intent.metadata, 'payment intent metadata'),
    subscriptionKey: null,
    customerKey: intent.customer ? stripeReference.customer(intent.customer) : null,
    references: [stripeReference.paymentIntent(intent.id), ...(charge ? [stripeReference.charge(charge)] : [])],
    customerEmail: intent.receipt_email ?? null,
    customerId: intent.customer,
    metadata: stripeIds({ paymentIntent: intent.id, charge, customer: intent.customer }),
  });
}
