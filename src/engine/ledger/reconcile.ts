/**
 * @module Bringing a conversion in line with its order's facts (SPEC §9), as a pure function.
 *
 * The target is a function of the conversion's original commission C0, its gross G, the refunded
 * total R, whether a dispute holds it, and its manual status — never of the order in which facts
 * arrived. Differences become typed ledger lines (a refund, a clawback if already paid, a chargeback,
 * a chargeback won), so commission always equals the ledger's sum.
 */
import type { NewConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion, ConversionStatus } from '../../db/tables/conversion.table.js';
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

/** What the conversion should look like given C0, G and the facts. */
export function targetOf(
  conversion: Pick<Conversion, 'original_commission' | 'amount' | 'status' | 'status_before_reversal'>,
  facts: OrderFactSummary,
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

export interface Reconciled {
  conversion: Conversion;
  /** Lines to append (empty when nothing changed). */
  lines: NewConversionAdjustment[];
}

export interface ReconcileCause {
  /** What caused the change (an order id, a refund id, a dispute id): the lines' reference. */
  reference: string;
  /** Set when the sale's amounts were re-itemised: C0 and G before, for the line that re-bases the commission. */
  rebasedFrom?: { originalCommission: number; amount: number };
}

/** The lines that take the conversion from where it stands to its target, in the order re-itemisation → refund → dispute. */
export function reconcile(conversion: Conversion, facts: OrderFactSummary, cause: ReconcileCause, now: Date): Reconciled {
  const target = targetOf(conversion, facts);
  const base = manualStatus(conversion);
  const earningWith = (refunded: number) => (base === 'rejected' ? 0 : entitledCommissionAfterRefund(conversion.original_commission, conversion.amount, refunded));
  const lineBase = { merchant_id: conversion.merchant_id, conversion_id: conversion.id, reference: cause.reference, created_at: now };
  const lines: NewConversionAdjustment[] = [];
  let current = conversion.commission;

  if (cause.rebasedFrom) {
    const afterRebase = conversion.charged_back ? 0 : earningWith(conversion.refunded_amount);
    // A re-itemisation that leaves the commission where it was (e.g. on a gross base) needs no line.
    if (afterRebase !== current) {
      lines.push({ ...lineBase, type: 'manual', commission_delta: afterRebase - current, amount: conversion.amount, reason: 'amounts re-itemised by a more detailed report of the sale' });
    }
    current = afterRebase;
  }
  if (target.refunded !== conversion.refunded_amount) {
    const afterRefund = conversion.charged_back ? 0 : earningWith(target.refunded);
    lines.push({
      ...lineBase, type: base === 'paid' ? 'clawback' : 'refund', commission_delta: afterRefund - current, amount: target.refunded,
      reason: target.refunded >= conversion.amount ? 'fully refunded' : 'partially refunded',
    });
    current = afterRefund;
  }
  if (target.chargedBack !== conversion.charged_back) {
    lines.push({
      ...lineBase, type: target.chargedBack ? 'chargeback' : 'chargeback_won', commission_delta: target.commission - current,
      amount: conversion.amount, reason: target.chargedBack ? 'dispute lost' : 'dispute won',
    });
    current = target.commission;
  }
  if (current !== target.commission) {
    // Only reachable if stored state drifted from its own facts; the line keeps commission = Σ ledger true.
    lines.push({ ...lineBase, type: 'manual', commission_delta: target.commission - current, amount: 0, reason: 'reconciled with order facts' });
  }
  if (lines.length === 0 && target.status === conversion.status) return { conversion, lines };
  return {
    conversion: {
      ...conversion,
      refunded_amount: target.refunded,
      charged_back: target.chargedBack,
      commission: target.commission,
      status: target.status,
      status_before_reversal: target.status === 'reversed' ? base : null,
      updated_at: now,
    },
    lines,
  };
}
