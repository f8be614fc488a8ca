/** @module Stripe event → canonical records: one mapper per event family, everything else ignored. */
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { mapCheckoutSession } from './events/checkout-session.js';
import { mapDispute } from './events/dispute.js';
import { mapInvoicePaymentPaid } from './events/invoice-payment.js';
import { mapInvoicePaid } from './events/invoice.js';
import { mapPaymentIntentSucceeded } from './events/payment-intent.js';
import { mapChargeRefunded, mapRefund } from './events/refund.js';
import { ignore } from './stripe-mapping.js';
import type { StripeEvent } from './stripe-schema.js';

const MAPPERS: Readonly<Record<string, (event: StripeEvent) => MappingResult>> = {
  'checkout.session.completed': mapCheckoutSession,
  'checkout.session.async_payment_succeeded': mapCheckoutSession,
  'checkout.session.async_payment_failed': mapCheckoutSession,
  'payment_intent.succeeded': mapPaymentIntentSucceeded,
  'invoice.paid': mapInvoicePaid,
  // The same invoice, sent when a payment attempt succeeds (not for invoices marked paid out of
  // band). Older guides and many endpoints subscribe to this one instead of invoice.paid: either
  // alone records the payment, and both together are one conversion (same invoice id, same amounts).
  'invoice.payment_succeeded': mapInvoicePaid,
  'invoice_payment.paid': mapInvoicePaymentPaid,
  'charge.refunded': mapChargeRefunded,
  'refund.created': mapRefund,
  'refund.updated': mapRefund,
  'charge.refund.updated': mapRefund,
  'charge.dispute.closed': mapDispute,
  'charge.dispute.funds_withdrawn': mapDispute,
  'charge.dispute.funds_reinstated': mapDispute,
};

export const HANDLED_STRIPE_EVENTS = Object.keys(MAPPERS);

export function mapStripeEvent(event: StripeEvent): MappingResult {
  const mapper = MAPPERS[event.type];
  return mapper ? mapper(event) : ignore(event, 'irrelevant_event', `${event.type} does not affect conversions`);
}
