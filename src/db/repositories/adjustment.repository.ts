/** @module Ledger lines. Append-only: there is no update or delete here, on purpose. */
import type { Executor } from '../database.js';
import type { ConversionAdjustment, NewConversionAdjustment } from '../tables/conversion-adjustment.table.js';

export async function appendAdjustments(db: Executor, lines: NewConversionAdjustment[]): Promise<ConversionAdjustment[]> {
  if (lines.length === 0) return [];
  return db.insertInto('conversion_adjustment').values(lines).returningAll().execute();
}

/** The ledgers of several conversions, each in order. */
export async function listAdjustments(db: Executor, merchantId: string, conversionIds: readonly string[]): Promise<Map<string, ConversionAdjustment[]>> {
  const ledgers = new Map<string, ConversionAdjustment[]>(conversionIds.map((id) => [id, []]));
  if (conversionIds.length === 0) return ledgers;
  const rows = await db.selectFrom('conversion_adjustment').selectAll()
    .where('merchant_id', '=', merchantId).where('conversion_id', 'in', conversionIds)
    .orderBy('id').execute();
  for (const row of rows) ledgers.get(row.conversion_id)?.push(row);
  return ledgers;
}
