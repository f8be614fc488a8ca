/**
 * @module Poison quarantine: how many times an event has been claimed since it last finished. A
 * claim that never finishes (the process died or hung on it) leaves the count up; a finish of any
 * kind sets it back to 0. Frozen in time: written against Kysely<any>.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_event')
    .addColumn('unfinished_claims', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_event').dropColumn('unfinished_claims').execute();
}
