/**
 * @module Processor connections, the inbound event log, and the order facts that make refunds and
 * disputes order-independent. Frozen in time: written against Kysely<any>.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connection')
    .addColumn('merchant_id', 'text', (column) => column.notNull().references('merchant.id').onDelete('cascade'))
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('provider', 'text', (column) => column.notNull())
    .addColumn('campaign_id', 'text', (column) => column.notNull())
    .addColumn('mode', 'text', (column) => column.notNull().check(sql`mode in ('live', 'test')`))
    // Signing secrets and secret options, sealed with AES-256-GCM; never returned by the API.
    .addColumn('sealed_credentials', 'text', (column) => column.notNull())
    .addColumn('public_options', 'jsonb', (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addPrimaryKeyConstraint('connection_pkey', ['merchant_id', 'id'])
    .addForeignKeyConstraint('connection_campaign_fk', ['merchant_id', 'campaign_id'], 'campaign', ['merchant_id', 'id'])
    .execute();
  // Webhook URLs name only the connection id; this finds its merchant.
  await db.schema.createIndex('connection_id_idx').on('connection').column('id').unique().execute();

  await db.schema
    .createTable('inbound_event')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('connection_id', 'text', (column) => column.notNull())
    .addColumn('provider', 'text', (column) => column.notNull())
    .addColumn('provider_event_id', 'text', (column) => column.notNull())
    .addColumn('event_type', 'text', (column) => column.notNull())
    .addColumn('raw_body', 'bytea', (column) => column.notNull())
    .addColumn('headers', 'jsonb', (column) => column.notNull())
    .addColumn('query', 'jsonb', (column) => column.notNull())
    .addColumn('received_at', 'timestamptz', (column) => column.notNull())
    .addColumn('status', 'text', (column) =>
      column.notNull().check(sql`status in ('received', 'processing', 'processed', 'ignored', 'waiting', 'failed', 'dead')`))
    .addColumn('reason', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (column) => column.notNull())
    .addColumn('locked_until', 'timestamptz')
    // Bumped by every re-arm (replay, GoPay re-notification) so a worker holding an older claim cannot overwrite the outcome.
    .addColumn('generation', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('waiting_for', 'text')
    .addColumn('trace', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('conversion_ids', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('confirmation', 'jsonb')
    .addColumn('processed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .addPrimaryKeyConstraint('inbound_event_pkey', ['merchant_id', 'id'])
    // Transport dedup: one row per processor event per connection.
    .addUniqueConstraint('inbound_event_delivery_key', ['merchant_id', 'connection_id', 'provider_event_id'])
    .execute();
  await db.schema.createIndex('inbound_event_list_idx').on('inbound_event').columns(['merchant_id', 'received_at desc', 'id desc']).execute();
  // The worker's queue: only rows that still need work are in this index.
  await db.schema
    .createIndex('inbound_event_queue_idx')
    .on('inbound_event')
    .column('next_attempt_at')
    .where(sql.ref('status'), 'in', ['received', 'processing', 'waiting', 'failed'])
    .execute();
  await db.schema
    .createIndex('inbound_event_waiting_idx')
    .on('inbound_event')
    .columns(['merchant_id', 'waiting_for'])
    .where(sql.ref('status'), '=', 'waiting')
    .execute();

  // Other names of an order (a PaymentIntent of an invoice, a subscription bound to its first sale).
  await db.schema
    .createTable('order_reference')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('reference', 'text', (column) => column.notNull())
    .addColumn('order_id', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('order_reference_pkey', ['merchant_id', 'reference'])
    .execute();

  // What processors said happened to an order after the sale: refunds and disputes, one row per fact.
  await db.schema
    .createTable('order_fact')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('order_id', 'text', (column) => column.notNull())
    .addColumn('fact_key', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull().check(sql`kind in ('refund', 'refund_total', 'dispute')`))
    .addColumn('amount', 'int8', (column) => column.notNull().defaultTo(0))
    .addColumn('currency', 'text')
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .addPrimaryKeyConstraint('order_fact_pkey', ['merchant_id', 'order_id', 'fact_key'])
    .execute();

  await db.schema.alterTable('conversion')
    .addColumn('amounts_precedence', 'smallint', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('conversion')
    .addColumn('commission_rate_basis_points', 'integer')
    .execute();
  await db.schema.alterTable('conversion')
    .addColumn('charged_back', 'boolean', (column) => column.notNull().defaultTo(false))
    .execute();
  // Renewals find their subscription's first conversion (attribution, recurring window).
  await db.schema.createIndex('conversion_subscription_idx').on('conversion').columns(['merchant_id', 'subscription_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversion').dropColumn('charged_back').execute();
  await db.schema.alterTable('conversion').dropColumn('commission_rate_basis_points').execute();
  await db.schema.alterTable('conversion').dropColumn('amounts_precedence').execute();
  for (const table of ['order_fact', 'order_reference', 'inbound_event', 'connection']) {
    await db.schema.dropTable(table).execute();
  }
}
