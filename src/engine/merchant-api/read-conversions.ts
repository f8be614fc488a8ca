/** @module Reading conversions together with their ledgers, for the API and outbound events. */
import type { Executor } from '../../db/database.js';
import { listAdjustments } from '../../db/repositories/adjustment.repository.js';
import { findConversion } from '../../db/repositories/conversion.repository.js';
import type { ConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion } from '../../db/tables/conversion.table.js';

export interface ConversionWithLedger {
  conversion: Conversion;
  adjustments: ConversionAdjustment[];
}

export async function readConversion(db: Executor, merchantId: string, conversionId: string): Promise<ConversionWithLedger | undefined> {
  const conversion = await findConversion(db, merchantId, conversionId);
  if (!conversion) return undefined;
  const ledgers = await listAdjustments(db, merchantId, [conversion.id]);
  return { conversion, adjustments: ledgers.get(conversion.id) ?? [] };
}

export async function attachLedgers(db: Executor, merchantId: string, conversions: Conversion[]): Promise<ConversionWithLedger[]> {
  const ledgers = await listAdjustments(db, merchantId, conversions.map((conversion) => conversion.id));
  return conversions.map((conversion) => ({ conversion, adjustments: ledgers.get(conversion.id) ?? [] }));
}
