/**
 * @module `invoice_payment.paid`: which PaymentIntent (and charge) paid which invoice. Since API
 * 2025-03-31 this is how refunds, which name only the PaymentIntent, find their invoice.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { invoicePaymentSchema, type StripeEvent } from '../stripe-schema.js';
import { stripeReference } from '../stripe-references.js';
import { ignore, records } from '../stripe-mapping.js';

export function mapInvoicePaymentPaid(event: StripeEvent): MappingResult {
  const payment = invoicePaymentSchema.parse(event.data.object);
  const references = [
    ...(payment.payment.payment_intent ? [stripeReference.paymentIntent(payment.payment.payment_intent)] : []),
    ...(payment.payment.charge ? [stripeReference.charge(payment.payment.charge)] : []),
  ];
  if (!payment.invoice || references.length === 0) {
    return ignore(event, 'irrelevant_event', `invoice payment ${payment.id} links no invoice to a PaymentIntent or charge`);
  }
  return records(event, { kind: 'link', orderId: payment.invoice, references });
}
