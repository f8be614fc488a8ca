/**
 * @module What a GoPay notification is called in the event log (SPEC §6: deduplicated on the
 * payment id and the state read from GoPay). GoPay's notification names only a payment, so it is
 * stored as `payment:<id>` until processing reads the payment; then it becomes `payment:<id>:<state>`
 * — with the refunded total for a partial refund, since one payment can be partially refunded
 * several times and each is new money. A notification whose state is already stored is a
 * re-delivery of that event.
 */
import type { GoPayConfirmation } from './gopay-schema.js';

export function notificationKey(paymentId: string): string {
  return `payment:${paymentId}`;
}

/** The successful refunds of a partially refunded payment, as GoPay's refund history lists them. */
function refundedTotal(refunds: readonly { state: string; amount: number }[] | null): number {
  return (refunds ?? []).filter((refund) => refund.state === 'SUCCESS').reduce((total, refund) => total + refund.amount, 0);
}

export function paymentStateKey(confirmation: GoPayConfirmation): string {
  if (!confirmation.found) return `${notificationKey(confirmation.paymentId)}:not_found`;
  const { payment, refunds } = confirmation;
  const base = `${notificationKey(String(payment.id))}:${payment.state}`;
  return payment.state === 'PARTIALLY_REFUNDED' ? `${base}:${refundedTotal(refunds)}` : base;
}
