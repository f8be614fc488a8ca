/**
 * @module `adjustment.created` and `adjustment.updated`: refunds and chargebacks of a transaction.
 *
 * Adjustments carry no `custom_data`; they name their transaction, which is the order id. Refunds
 * are mostly created `pending_approval` and approved or rejected later
 * (https://developer.paddle.com/webhooks/adjustments/adjustment-created), so each refund adjustment
 * is one single refund keyed by its id, and only an approved one counts: the order's refunded total
 * is the sum of its approved refund adjustments.
 */
import type { MappingResult, RefundStatus } from '../../../src/contract/canonical-records.js';
import { adjustmentSchema, type PaddleAdjustment, type PaddleEvent } from '../paddle-schema.js';
import { ignore, occurredAt, paddleCurrency, readData, records } from '../paddle-mapping.js';

/**
 * `reversed` is "set by Paddle when a chargeback_reverse or credit_reverse adjustment is created for
 * this adjustment" — never documented for a refund. Should a refund ever be reversed, its money went
 * back to the merchant: it no longer counts, like a canceled refund (which the engine lets override
 * an earlier `succeeded`).
 */
function refundStatus(status: string): RefundStatus {
  switch (status) {
    case 'approved':
      return 'succeeded';
    case 'pending_approval':
      return 'pending';
    case 'rejected':
    case 'reversed':
      return 'canceled';
    default:
      // An unknown status moves no money until Paddle says it was approved.
      return 'pending';
  }
}

function mapRefund(event: PaddleEvent, adjustment: PaddleAdjustment): MappingResult {
  return records({
    kind: 'refund',
    order: { orderId: adjustment.transaction_id },
    mode: 'single',
    key: adjustment.id,
    amount: adjustment.totals.total,
    currency: paddleCurrency(adjustment.totals.currency_code ?? adjustment.currency_code),
    status: refundStatus(adjustment.status),
    occurredAt: occurredAt(event),
  });
}

/**
 * A chargeback is lost money as soon as Paddle records it (`approved`); a `chargeback_reverse` — or
 * the chargeback turning `reversed` — means the dispute was won. Paddle's reversal is a new
 * adjustment that names only the transaction, not the chargeback it reverses, so the transaction id
 * is the dispute key: the two meet on it, and a won dispute beats a lost one whatever the order.
 */
function mapChargeback(event: PaddleEvent, adjustment: PaddleAdjustment): MappingResult {
  const reversal = adjustment.action === 'chargeback_reverse';
  const won = reversal || adjustment.status === 'reversed';
  if (!won && adjustment.status !== 'approved') {
    return ignore('irrelevant_event', `chargeback ${adjustment.id} on ${adjustment.transaction_id} is ${adjustment.status}; only an approved chargeback takes the money back`);
  }
  if (reversal && adjustment.status !== 'approved') {
    return ignore('irrelevant_event', `chargeback reversal ${adjustment.id} on ${adjustment.transaction_id} is ${adjustment.status}, not approved`);
  }
  return records({
    kind: won ? 'chargeback_won' : 'chargeback',
    order: { orderId: adjustment.transaction_id },
    disputeKey: adjustment.transaction_id,
    occurredAt: occurredAt(event),
  });
}

export function mapAdjustment(event: PaddleEvent): MappingResult {
  const adjustment = readData(adjustmentSchema, event);
  switch (adjustment.action) {
    case 'refund':
      return mapRefund(event, adjustment);
    case 'chargeback':
    case 'chargeback_reverse':
      return mapChargeback(event, adjustment);
    case 'chargeback_warning':
    case 'chargeback_warning_reverse':
      return ignore('irrelevant_event', `${adjustment.action} ${adjustment.id} on ${adjustment.transaction_id}: an early warning of a possible dispute, no money moved`);
    case 'credit':
    case 'credit_reverse':
      // A credit goes to the customer's Paddle balance, not back to their card, and is spent on a
      // later transaction of theirs; that transaction is counted net of it (its grand_total), so
      // the money is accounted for once without reversing anything here.
      return ignore('irrelevant_event', `${adjustment.action} ${adjustment.id} on ${adjustment.transaction_id} moves money to or from the customer's Paddle balance, not back to them`);
    default:
      return ignore('irrelevant_event', `adjustment ${adjustment.id} has an action the hub does not handle (${adjustment.action})`);
  }
}
