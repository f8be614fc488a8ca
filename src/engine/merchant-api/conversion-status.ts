/** @module Manual status changes of a conversion (SPEC §5 PATCH) and what each does to the ledger. */
import { HubError, NotFoundError } from '../../contract/errors.js';
import type { Executor } from '../../db/database.js';
import { appendAdjustments } from '../../db/repositories/adjustment.repository.js';
import { lockConversion, updateConversion } from '../../db/repositories/conversion.repository.js';
import type { Conversion, ConversionStatus } from '../../db/tables/conversion.table.js';
import { emitChange } from '../outbound/conversion-events.js';

export type ManualStatus = 'approved' | 'rejected' | 'paid';

const ALLOWED_TRANSITIONS: Record<ConversionStatus, readonly ManualStatus[]> = {
  pending: ['approved', 'rejected'],
  approved: ['rejected', 'paid'],
  paid: [],
  rejected: [],
  reversed: [],
};

export function canTransition(from: ConversionStatus, to: ManualStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** Must run inside a transaction: the row lock orders this change against refunds landing at once. */
export async function changeConversionStatus(
  trx: Executor,
  change: { merchantId: string; conversionId: string; status: ManualStatus; note: string | null },
  now: Date,
): Promise<Conversion> {
  const conversion = await lockConversion(trx, change.merchantId, change.conversionId);
  if (!conversion) throw new NotFoundError('conversion');
  if (!canTransition(conversion.status, change.status)) {
    throw new HubError('invalid_transition', `a ${conversion.status} conversion cannot become ${change.status}`,
      { extra: { from: conversion.status, to: change.status } });
  }
  const base = { merchant_id: change.merchantId, conversion_id: conversion.id, amount: 0, reason: change.note, created_at: now };
  if (change.status === 'rejected') {
    await appendAdjustments(trx, [{ ...base, type: 'rejection', commission_delta: -conversion.commission, reference: 'status:rejected' }]);
  } else if (change.note !== null) {
    // Approvals and payouts move no money in the ledger; a zero line keeps the merchant's note with the history.
    await appendAdjustments(trx, [{ ...base, type: 'manual', commission_delta: 0, reference: `status:${change.status}` }]);
  }
  const updated = await updateConversion(trx, change.merchantId, conversion.id, {
    status: change.status,
    status_reason: change.status === 'rejected' ? (change.note ?? 'rejected_by_merchant') : conversion.status_reason,
    commission: change.status === 'rejected' ? 0 : conversion.commission,
    updated_at: now,
  });
  await emitChange(trx, conversion, updated, now);
  return updated;
}
