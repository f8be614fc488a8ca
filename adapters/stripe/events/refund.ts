/**
 * @module Refunds: `charge.refunded` reports the charge's cumulative `amount_refunded`;
 * `refund.created`, `refund.updated` and `charge.refund.updated` report one refund and its status
 * (only `succeeded` counts). Both lead to the order through the PaymentIntent (or the charge).
 */
import type { MappingResult, RefundStatus } from '../../../src/contract/canonical-records.js';
import { chargeSchema, refundSchema, type StripeEvent } from '../stripe-schema.js';
import { paymentLocator } from '../stripe-references.js';
import { occurredAt, records, stripeCurrency } from '../stripe-mapping.js';

export function mapChargeRefunded(event: StripeEvent): MappingResult {
  const charge = chargeSchema.parse(event.data.object);
  return records(event, {
    kind: 'refund',
    order: paymentLocator(charge.payment_intent, charge.id),
    mode: 'cumulative',
    key: `charge:${charge.id}`,
    amount: charge.amount_refunded,
    currency: stripeCurrency(charge.currency),
    status: 'succeeded',
    occurredAt: occurredAt(event),
  });
}

function refundStatus(status: string | null | undefined): RefundStatus {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      // `pending` and `requires_action`: money has not gone back yet.
      return 'pending';
  }
}

export function mapRefund(event: StripeEvent): MappingResult {
  const refund = refundSchema.parse(event.data.object);
  return records(event, {
    kind: 'refund',
    order: paymentLocator(refund.payment_intent, refund.charge),
    mode: 'single',
    key: refund.id,
    amount: refund.amount,
    currency: stripeCurrency(refund.currency),
    status: refundStatus(refund.status),
    occurredAt: occurredAt(event),
  });
}
