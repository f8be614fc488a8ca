/**
 * @module Bringing a conversion in line with its order's facts (SPEC §9).
 *
 * The target is a pure function of the conversion's original commission C0, its gross G, the
 * refunded total R, whether a dispute holds it, and its manual status — never of the order in which
 * facts arrived. Differences are appended to the ledger as typed lines (a refund, a clawback if
 * already paid, a chargeback, a chargeback won), so commission always equals the ledger's sum.
 */
import type { Executor } from '../db/database.js';
import { appendAdjustments } from '../db/repositories/adjustment.repository.js';
import { updateConversion } from '../db/repositories/conversion.repository.js';
import type { ConversionAdjustment, NewConversionAdjustment } from '../db/tables/conversion-adjustment.table.js';
import type { Conversion, ConversionStatus } from '../db/tables/conversion.table.js';
import { entitledCommissionAfterRefund } from './commission.js';
import type { OrderFactSummary } from './order-facts.js';

/** The status the merchant's lifecycle put the conversion in, underneath any reversal. */
export function manualStatus(conversion: Pick<Conversion, 'status' | 'status_before_reversal'>): ConversionStatus {
  return conversion.status === 'reversed' ? (conversion.status_before_reversal ?? 'pending') : conversion.status;
}

export interface ConversionTarget {
  refunded: number;
  chargedBack: boolean;
  commission: number;
  status: ConversionStatus;
}

/** Pure: what the conversion should look like given C0, G and the facts. */
export function targetOf(
  conversion: Pick<Conversion, 'original_commission' | 'amount' | 'status' | 'status_before_reversal'>,
  facts: Pick<OrderFactSummary, 'refundedTotal' | 'chargedBack'>,
): ConversionTarget {
  const base = manualStatus(conversion);
  const refunded = Math.min(facts.refundedTotal, conversion.amount);
  const earning = base === 'rejected' ? 0 : entitledCommissionAfterRefund(conversion.original_commission, conversion.amount, refunded);
  const fullyReversed = facts.chargedBack || (conversion.amount > 0 && refunded >= conversion.amount);
  return {
    refunded,
    chargedBack: facts.chargedBack,
    commission: facts.chargedBack ? 0 : earning,
    status: fullyReversed && (base === 'pending' || base === 'approved') ? 'reversed' : base,
  };
}

export interface ReconcileResult {
  conversion: Conversion;
  /** Ledger lines appended now (empty when nothing changed). */
  lines: NewConversionAdjustment[];
  /** The same lines as stored. */
  appended: ConversionAdjustment[];
}

/**
 * Appends the lines that take the conversion from its current state to its target, in the order
 * re-itemisation → refund → dispute, and updates the row. `reference` names what caused it.
 */
export async function reconcileConversion(
  trx: Executor,
  conversion: Conversion,
  facts: OrderFactSummary,
  change: { reference: string; rebasedFrom?: { originalCommission: number; amount: number } },
  now: Date,
): Promise<ReconcileResult> {
  const target = targetOf(conversion, facts);
  const base = manualStatus(conversion);
  const earningWith = (originalCommission: number, amount: number, refunded: number) =>
    base === 'rejected' ? 0 : entitledCommissionAfterRefund(originalCommission, amount, refunded);
  const lineBase = { merchant_id: conversion.merchant_id, conversion_id: conversion.id, reference: change.reference, created_at: now };
  const lines: NewConversionAdjustment[] = [];
  let current = conversion.commission;

  if (change.rebasedFrom) {
    const afterRebase = conversion.charged_back ? 0 : earningWith(conversion.original_commission, conversion.amount, conversion.refunded_amount);
    // A re-itemisation that leaves the commission where it was (e.g. on a gross base) needs no line.
    if (afterRebase !== current) {
      lines.push({ ...lineBase, type: 'manual', commission_delta: afterRebase - current, amount: conversion.amount,
        reason: 'amounts re-itemised by a more detailed report of the sale' });
    }
    current = afterRebase;
  }
  if (target.refunded !== conversion.refunded_amount) {
    const afterRefund = conversion.charged_back ? 0 : earningWith(conversion.original_commission, conversion.amount, target.refunded);
    lines.push({ ...lineBase, type: base === 'paid' ? 'clawback' : 'refund', commission_delta: afterRefund - current, amount: target.refunded,
      reason: target.refunded >= conversion.amount ? 'fully refunded' : 'partially refunded' });
    current = afterRefund;
  }
  if (target.chargedBack !== conversion.charged_back) {
    lines.push({ ...lineBase, type: target.chargedBack ? 'chargeback' : 'chargeback_won', commission_delta: target.commission - current,
      amount: conversion.amount, reason: target.chargedBack ? 'dispute lost' : 'dispute won' });
    current = target.commission;
  }
  if (current !== target.commission) {
    // Only reachable if stored state drifted from its own facts; the line keeps commission = Σ ledger true.
    lines.push({ ...lineBase, type: 'manual', commission_delta: target.commission - current, amount: 0, reason: 'reconciled with order facts' });
  }
  if (lines.length === 0 && target.status === conversion.status) return { conversion, lines, appended: [] };

  const appended = await appendAdjustments(trx, lines);
  const updated = await updateConversion(trx, conversion.merchant_id, conversion.id, {
    refunded_amount: target.refunded,
    charged_back: target.chargedBack,
    commission: target.commission,
    status: target.status,
    status_before_reversal: target.status === 'reversed' ? base : null,
    updated_at: now,
  });
  return { conversion: updated, lines, appended };
}
