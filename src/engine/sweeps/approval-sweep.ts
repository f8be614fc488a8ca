/**
 * @module The hold period (SPEC §4, §9): pending conversions become approved once the campaign's
 * `holdDays` have passed since the sale, unless they were reversed or rejected meanwhile. One UPDATE
 * per batch, so several hub processes sweeping at once approve each conversion once. Run by the
 * sweeper (sweeper.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Conversion } from '../../db/tables/conversion.table.js';
import { emitConversionEvent } from '../outbound/conversion-events.js';

/** Approves up to `limit` conversions whose hold has ended at `now`; returns how many. */
export async function approveHeldConversions(db: Kysely<Database>, now: Date, limit = 500): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const approved = await sql<Conversion>`
      update conversion set status = 'approved', updated_at = ${now}
       where (merchant_id, id) in (
         select conversion.merchant_id, conversion.id from conversion
           join campaign on campaign.merchant_id = conversion.merchant_id and campaign.id = conversion.campaign_id
          where conversion.status = 'pending'
            and conversion.created_at + make_interval(days => campaign.hold_days) <= ${now}
          order by conversion.created_at
          limit ${limit}
          for update of conversion skip locked)
      returning *`.execute(trx);
    for (const conversion of approved.rows) await emitConversionEvent(trx, 'conversion.updated', conversion, now);
    return approved.rows.length;
  });
}
