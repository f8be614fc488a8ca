/** @module The `conversion_adjustment` table: the append-only commission ledger of a conversion. */
import type { Generated, Insertable, Selectable } from 'kysely';

export type AdjustmentType = 'commission' | 'refund' | 'chargeback' | 'chargeback_won' | 'clawback' | 'rejection' | 'manual';

export interface ConversionAdjustmentTable {
  merchant_id: string;
  /** Database-generated, increasing: the ledger's order. */
  id: Generated<number>;
  conversion_id: string;
  type: AdjustmentType;
  /** Signed minor units added to the commission by this line. */
  commission_delta: number;
  /** The sale amount this line concerns (e.g. the refunded total), minor units. */
  amount: number;
  /** What caused the line: an order id, a refund id, a processor event id, a note. */
  reference: string;
  reason: string | null;
  created_at: Generated<Date>;
}

export type ConversionAdjustment = Selectable<ConversionAdjustmentTable>;
export type NewConversionAdjustment = Insertable<ConversionAdjustmentTable>;
