/**
 * @module Buyers' personal data at rest (SPEC §13): raw deliveries are sealed (AES-256-GCM) under a
 * versioned key and dropped after the retention period once their event is settled; the processor
 * API answers once kept beside them (`confirmation`, with payer names and emails) are no longer
 * stored at all; the keyed-hash key for personal data is kept sealed, so the master key can rotate
 * without changing a single hash. Frozen in time: written against Kysely<any>.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_event')
    // The key that sealed `raw_body`; null for a body stored before sealing (opened as it is, then sealed by the re-seal sweep).
    .addColumn('payload_key_id', 'text')
    .execute();
  await db.schema.alterTable('inbound_event').addColumn('payload_dropped_at', 'timestamptz').execute();
  await db.schema.alterTable('inbound_event').dropColumn('confirmation').execute();
  // The retention sweep's work list: payloads still held, oldest first.
  await db.schema.createIndex('inbound_event_payload_held_idx').on('inbound_event')
    .column('received_at')
    .where(sql.ref('payload_dropped_at'), 'is', null)
    .execute();

  // Keys the hub made for itself, sealed under the master key (reference data, not a merchant's).
  await db.schema
    .createTable('hub_secret')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('sealed', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hub_secret').execute();
  await db.schema.dropIndex('inbound_event_payload_held_idx').execute();
  await db.schema.alterTable('inbound_event').addColumn('confirmation', 'jsonb').execute();
  await db.schema.alterTable('inbound_event').dropColumn('payload_dropped_at').execute();
  await db.schema.alterTable('inbound_event').dropColumn('payload_key_id').execute();
}
