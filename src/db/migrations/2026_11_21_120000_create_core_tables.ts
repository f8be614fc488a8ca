/**
 * @module Merchants, keys, campaigns, affiliates, links, clicks, conversions and their ledger.
 * Frozen in time: written against Kysely<any>, never against the app's current types.
 * Every key on merchant data leads with merchant_id so the schema can be sharded by merchant.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('merchant')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('monthly_earnings_cap', 'int8')
    .addColumn('cap_currency', 'text', (column) => column.notNull().defaultTo('USD'))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_key')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('merchant_id', 'text', (column) => column.notNull().references('merchant.id').onDelete('cascade'))
    .addColumn('scope', 'text', (column) => column.notNull().check(sql`scope in ('write', 'read')`))
    // Keys are looked up before the merchant is known, so this one unique key cannot lead with it.
    .addColumn('key_hash', 'text', (column) => column.notNull().unique())
    .addColumn('prefix', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_key_merchant_idx').on('api_key').column('merchant_id').execute();

  await db.schema
    .createTable('campaign')
    .addColumn('merchant_id', 'text', (column) => column.notNull().references('merchant.id').onDelete('cascade'))
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('currency', 'text', (column) => column.notNull())
    .addColumn('commission', 'jsonb', (column) => column.notNull())
    .addColumn('commission_base', 'text', (column) => column.notNull())
    .addColumn('cookie_window_days', 'integer', (column) => column.notNull())
    .addColumn('recurring', 'jsonb', (column) => column.notNull())
    .addColumn('hold_days', 'integer', (column) => column.notNull())
    .addColumn('self_referral', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('campaign_pkey', ['merchant_id', 'id'])
    .execute();

  await db.schema
    .createTable('affiliate')
    .addColumn('merchant_id', 'text', (column) => column.notNull().references('merchant.id').onDelete('cascade'))
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('email_hash', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('affiliate_pkey', ['merchant_id', 'id'])
    .execute();

  await db.schema
    .createTable('enrollment')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('affiliate_id', 'text', (column) => column.notNull())
    .addColumn('campaign_id', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('approved', 'pending', 'rejected')`))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('enrollment_pkey', ['merchant_id', 'affiliate_id', 'campaign_id'])
    .addForeignKeyConstraint('enrollment_affiliate_fk', ['merchant_id', 'affiliate_id'], 'affiliate', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .addForeignKeyConstraint('enrollment_campaign_fk', ['merchant_id', 'campaign_id'], 'campaign', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('enrollment_campaign_idx').on('enrollment').columns(['merchant_id', 'campaign_id']).execute();

  await db.schema
    .createTable('link')
    .addColumn('code', 'text', (column) => column.primaryKey())
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('campaign_id', 'text', (column) => column.notNull())
    .addColumn('affiliate_id', 'text', (column) => column.notNull())
    .addColumn('destination_url', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('link_merchant_id_key', ['merchant_id', 'id'])
    .addForeignKeyConstraint('link_campaign_fk', ['merchant_id', 'campaign_id'], 'campaign', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .addForeignKeyConstraint('link_affiliate_fk', ['merchant_id', 'affiliate_id'], 'affiliate', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('click')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('campaign_id', 'text', (column) => column.notNull())
    .addColumn('affiliate_id', 'text', (column) => column.notNull())
    .addColumn('link_code', 'text')
    .addColumn('visitor_id', 'text', (column) => column.notNull())
    .addColumn('sub_id', 'text')
    .addColumn('sub_id_2', 'text')
    .addColumn('sub_id_3', 'text')
    .addColumn('ip_hash', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('click_pkey', ['merchant_id', 'id'])
    .addForeignKeyConstraint('click_campaign_fk', ['merchant_id', 'campaign_id'], 'campaign', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .addForeignKeyConstraint('click_affiliate_fk', ['merchant_id', 'affiliate_id'], 'affiliate', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .execute();
  // Attribution by visitor: the visitor's latest click in a campaign before the sale.
  await db.schema
    .createIndex('click_visitor_idx')
    .on('click')
    .columns(['merchant_id', 'visitor_id', 'campaign_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('conversion')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('campaign_id', 'text', (column) => column.notNull())
    .addColumn('affiliate_id', 'text', (column) => column.notNull())
    .addColumn('click_id', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('order_id', 'text', (column) => column.notNull())
    .addColumn('conversion_type', 'text', (column) => column.notNull())
    .addColumn('event_type', 'text', (column) => column.notNull())
    .addColumn('currency', 'text', (column) => column.notNull())
    .addColumn('amount', 'int8', (column) => column.notNull())
    .addColumn('net_amount', 'int8', (column) => column.notNull())
    .addColumn('tax_amount', 'int8', (column) => column.notNull())
    .addColumn('shipping_amount', 'int8', (column) => column.notNull())
    .addColumn('discount_amount', 'int8', (column) => column.notNull())
    .addColumn('refunded_amount', 'int8', (column) => column.notNull().defaultTo(0))
    .addColumn('commission', 'int8', (column) => column.notNull())
    .addColumn('original_commission', 'int8', (column) => column.notNull())
    .addColumn('status', 'text', (column) =>
      column.notNull().check(sql`status in ('pending', 'approved', 'paid', 'rejected', 'reversed')`))
    .addColumn('status_reason', 'text')
    .addColumn('status_before_reversal', 'text')
    .addColumn('metadata', 'jsonb', (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('customer_hash', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('recorded_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversion_pkey', ['merchant_id', 'id'])
    // The idempotency key of the whole product: one conversion per order, whatever the source.
    .addUniqueConstraint('conversion_order_key', ['merchant_id', 'order_id'])
    .addCheckConstraint('conversion_amounts_check', sql`amount >= 0 and refunded_amount >= 0 and refunded_amount <= amount`)
    .execute();
  await db.schema.createIndex('conversion_created_idx').on('conversion').columns(['merchant_id', 'created_at desc', 'id desc']).execute();
  await db.schema
    .createIndex('conversion_affiliate_month_idx')
    .on('conversion')
    .columns(['merchant_id', 'campaign_id', 'affiliate_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('conversion_adjustment')
    .addColumn('merchant_id', 'text', (column) => column.notNull())
    .addColumn('id', 'bigserial', (column) => column.notNull())
    .addColumn('conversion_id', 'text', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('commission_delta', 'int8', (column) => column.notNull())
    .addColumn('amount', 'int8', (column) => column.notNull())
    .addColumn('reference', 'text', (column) => column.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversion_adjustment_pkey', ['merchant_id', 'id'])
    .addForeignKeyConstraint('conversion_adjustment_conversion_fk', ['merchant_id', 'conversion_id'], 'conversion', ['merchant_id', 'id'], (constraint) => constraint.onDelete('cascade'))
    .execute();
  await db.schema
    .createIndex('conversion_adjustment_conversion_idx')
    .on('conversion_adjustment')
    .columns(['merchant_id', 'conversion_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['conversion_adjustment', 'conversion', 'click', 'link', 'enrollment', 'affiliate', 'campaign', 'api_key', 'merchant']) {
    await db.schema.dropTable(table).execute();
  }
}
