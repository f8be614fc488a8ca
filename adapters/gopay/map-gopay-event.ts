/**
 * @module A GoPay notification, decided by the payment's state as GoPay reported it in `confirm`
 * (providers.md §5.2):
 *
 *   PAID                    → the sale (a renewal of the parent's order when `parent_id` is set)
 *   REFUNDED                → the sale (in case PAID was never seen) + refunded total = the amount
 *   PARTIALLY_REFUNDED      → the sale + refunded total = the SUCCESS refunds of the history
 *   CREATED, PAYMENT_METHOD_CHOSEN, AUTHORIZED, CANCELED, TIMEOUTED → ignored as `unpaid`
 *
 * A payment paid to another GoID is ignored as `foreign_account`. Re-reading the same state gives
 * the same records, and the engine's records are idempotent, so a repeated notification changes nothing.
 */
import type { CanonicalRecord, IgnoreReason, MappingResult, RefundRecord, SaleRecord } from '../../src/contract/canonical-records.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import { readAttributionKeys } from '../../src/lib/attribution-keys.js';
import { normalizeCurrency } from '../../src/lib/currencies.js';
import { formatMinorAsDecimal } from '../../src/lib/money.js';
import { gopayReference } from './gopay-references.js';
import type { GoPayConfirmation } from './gopay-schema.js';

type FoundPayment = Extract<GoPayConfirmation, { found: true }>;

const UNPAID_STATES: ReadonlyMap<string, string> = new Map([
  ['CREATED', 'was created but not paid yet'],
  ['PAYMENT_METHOD_CHOSEN', 'has a payment method chosen but is not paid yet'],
  ['AUTHORIZED', 'is pre-authorised, not captured: no money has moved yet'],
  ['CANCELED', 'was cancelled before being paid'],
  ['TIMEOUTED', 'expired before being paid'],
]);

/** GoPay reports no test mode in a payment; the gateway (sandbox or production) decides it. */
const LIVEMODE = null;

function ignore(reason: IgnoreReason, detail: string): MappingResult {
  return { outcome: 'ignore', reason, detail, livemode: LIVEMODE };
}

function gopayCurrency(code: string): string {
  const currency = normalizeCurrency(code);
  if (!currency) throw new Error(`GoPay reported an unknown currency "${code}"`);
  return currency;
}

function saleOf(confirmation: FoundPayment, event: StoredEvent): SaleRecord {
  const { payment } = confirmation;
  const parentId = payment.parentId;
  return {
    kind: parentId === null ? 'purchase' : 'renewal',
    orderId: String(payment.id),
    // The status carries no payment time: the notification's arrival is the closest GoPay gives.
    occurredAt: event.receivedAt,
    currency: gopayCurrency(payment.currency),
    amounts: { gross: payment.amount, tax: 0, shipping: 0, discount: 0 },
    amountsPrecedence: 1,
    conversionType: parentId !== null ? 'recurring' : payment.startsRecurrence ? 'subscription' : 'one_time',
    hints: { ...readAttributionKeys(payment.additionalParams), source: 'payment additional_params' },
    subscriptionKey: parentId !== null ? gopayReference.recurrence(parentId) : payment.startsRecurrence ? gopayReference.recurrence(payment.id) : null,
    customerKey: null,
    references: [
      gopayReference.payment(payment.id),
      // GoPay documents `parent_id` only for ON_DEMAND children; whether automatic cycles point at a
      // parent whose status shows no recurrence is not documented, so every first payment answers to
      // its recurrence key and a child never waits for a parent that was already recorded.
      ...(parentId === null && !payment.startsRecurrence ? [gopayReference.recurrence(payment.id)] : []),
    ],
    customerEmail: payment.customerEmail,
    customerId: null,
    metadata: { gopay: { paymentId: payment.id, orderNumber: payment.orderNumber, ...(parentId !== null ? { parentId } : {}) } },
  };
}

function refundedTotalOf(confirmation: FoundPayment, event: StoredEvent, amount: number): RefundRecord {
  const { payment } = confirmation;
  return {
    kind: 'refund',
    order: { orderId: String(payment.id) },
    mode: 'cumulative',
    key: gopayReference.refundedTotal(payment.id),
    amount,
    currency: gopayCurrency(payment.currency),
    status: 'succeeded',
    occurredAt: event.receivedAt,
  };
}

/** The SUCCESS refunds of the history: REQUESTED ones have not given money back yet, FAILED ones never will. */
function succeededRefunds(confirmation: FoundPayment): number {
  const { payment, refunds } = confirmation;
  if (refunds === null) throw new Error(`payment ${payment.id} is PARTIALLY_REFUNDED but its refund history was not fetched`);
  let total = 0;
  for (const refund of refunds) {
    if (refund.state !== 'SUCCESS') continue;
    if (refund.currency !== null && refund.currency.toUpperCase() !== payment.currency.toUpperCase()) {
      throw new Error(`refund ${refund.id} of payment ${payment.id} is in ${refund.currency}, the payment in ${payment.currency}`);
    }
    total += refund.amount;
  }
  return total;
}

export function mapGoPayPayment(event: StoredEvent, notifiedId: string, confirmation: GoPayConfirmation, connectionGoid: string): MappingResult {
  if (!confirmation.found) {
    return ignore('foreign_account', `payment ${notifiedId}: ${confirmation.detail}; the notification does not name a payment of this connection's account`);
  }
  const { payment } = confirmation;
  if (String(payment.id) !== notifiedId) throw new Error(`GoPay answered payment ${payment.id} when asked for ${notifiedId}`);
  if (payment.goid !== connectionGoid) {
    return ignore('foreign_account', `payment ${payment.id} is paid to GoID ${payment.goid}, not this connection's GoID ${connectionGoid}`);
  }
  const unpaid = UNPAID_STATES.get(payment.state);
  if (unpaid) return ignore('unpaid', `payment ${payment.id} is ${payment.state}: it ${unpaid}`);

  const records: CanonicalRecord[] = [];
  switch (payment.state) {
    case 'PAID':
      records.push(saleOf(confirmation, event));
      break;
    case 'REFUNDED':
      records.push(saleOf(confirmation, event), refundedTotalOf(confirmation, event, payment.amount));
      break;
    case 'PARTIALLY_REFUNDED': {
      records.push(saleOf(confirmation, event));
      const refunded = succeededRefunds(confirmation);
      if (refunded > 0) records.push(refundedTotalOf(confirmation, event, refunded));
      break;
    }
    default:
      return ignore('irrelevant_event', `payment ${payment.id} is in state ${payment.state}, which the hub does not know (${formatMinorAsDecimal(payment.amount, gopayCurrency(payment.currency))} ${payment.currency})`);
  }
  return { outcome: 'records', records, livemode: LIVEMODE };
}
