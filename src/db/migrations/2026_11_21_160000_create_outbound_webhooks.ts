/**
 * @module Outbound webhooks: merchants' endpoints, the outbox of conversion events (written in the
 * same transaction as the change that caused each), and one delivery row per endpoint and event.
 * Frozen in time: written against Kysely<any>.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoint')
    .addColumn('merchant_id', 'text', (column) => column.notNull().references('merchant.id').onDelete('cascade'))
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('url', 'text', (column) => column.notNull())
    .addColumn('events', 'jsonb', (column) => column.notNull())
    // The signing secret, sealed with AES-256-GCM: the relay needs it back to sign, so it cannot be hashed.
    .addColumn('sealed_secret', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('enabled', 'disabled')`))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .addPrimaryKeyConstraint('webhook_endpoint_pkey', ['merchant_id', 'id'])
    .execute();

  await db.schema
    .createTable('outbound_event')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('conversion_id', 'text', (column) => column.notNull())
    .addColumn('body', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    // Commit order of the outbox, for readers that need the exact sequence of a conversion's events.
    .addColumn('sequence', 'bigserial', (column) => column.notNull())
    .addPrimaryKeyConstraint('outbound_event_pkey', ['merchant_id', 'id'])
    .execute();
  await db.schema.createIndex('outbound_event_conversion_idx').on('outbound_event').columns(['merchant_id', 'conversion_id', 'sequence']).execute();

  await db.schema
    .createTable('webhook_delivery')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('endpoint_id', 'text', (column) => column.notNull())
    .addColumn('event_id', 'text', (column) => column.notNull())
    .addColumn('event_type', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('last_response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .addPrimaryKeyConstraint('webhook_delivery_pkey', ['merchant_id', 'id'])
    .addUniqueConstraint('webhook_delivery_once_key', ['merchant_id', 'endpoint_id', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_delivery_list_idx').on('webhook_delivery').columns(['merchant_id', 'endpoint_id', 'created_at desc']).execute();
  await db.schema
    .createIndex('webhook_delivery_queue_idx')
    .on('webhook_delivery')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_delivery', 'outbound_event', 'webhook_endpoint']) await db.schema.dropTable(table).execute();
}
