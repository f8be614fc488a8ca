/**
 * @module Clock-skew allowance per campaign (SPEC §8): a visitor's click still counts when the hub
 * recorded it up to this many minutes after the sale time a processor reported (stores' clocks run
 * behind and truncate), never after the hub received the delivery. Frozen in time: Kysely<any>.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').addColumn('clock_skew_minutes', 'integer', (column) => column.notNull().defaultTo(15)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('clock_skew_minutes').execute();
}
