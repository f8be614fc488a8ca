/**
 * The data migration to Lemon Squeezy's own order ids (issue 12 point 1): a conversion recorded as
 * `ls_order_<id>` is `<id>` afterwards, a renewal `ls_invoice_<id>` is `subscription-invoices/<id>`,
 * with their facts, references and waiting events; a merchant's own ids are left alone.
 */
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const BEFORE = '2026_12_04_130000_seal_raw_payloads';

describe('migration to Lemon Squeezy order ids', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database.close());

  it('renames recorded Lemon Squeezy orders and invoices everywhere they are named, and nothing else', async () => {
    const migrator = new Migrator({ db: database.db, provider: { getMigrations: () => Promise.resolve(migrations) } });
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const db = database.db;
    await sql`insert into merchant (id, name) values ('mer_a', 'A')`.execute(db);
    await sql`insert into campaign (merchant_id, id, name, currency, commission, commission_base, cookie_window_days, recurring, hold_days, self_referral)
      values ('mer_a', 'camp_a', 'C', 'USD', '{"type":"percent","rateBasisPoints":2000}', 'net', 30, 'null', 30, 'reject')`.execute(db);
    await sql`insert into affiliate (merchant_id, id, name, email_hash) values ('mer_a', 'aff_a', 'Ada', 'h')`.execute(db);
    const conversion = (id: string, source: string, orderId: string) => sql`
      insert into conversion (merchant_id, id, campaign_id, affiliate_id, source, order_id, conversion_type, event_type, currency, amount, net_amount,
                              tax_amount, shipping_amount, discount_amount, refunded_amount, commission, original_commission, status, metadata, created_at)
      values ('mer_a', ${id}, 'camp_a', 'aff_a', ${source}, ${orderId}, 'one_time', 'sale', 'USD', 100, 100, 0, 0, 0, 0, 20, 20, 'pending', '{}', now())`.execute(db);
    await conversion('conv_order', 'lemonsqueezy', 'ls_order_5218764');
    await conversion('conv_invoice', 'lemonsqueezy', 'ls_invoice_3598240');
    await conversion('conv_api', 'api', 'ls_order_777');
    await sql`insert into order_reference (merchant_id, reference, order_id) values ('mer_a', 'lemonsqueezy:order:5218764', 'ls_order_5218764'),
      ('mer_a', 'lemonsqueezy:subscription_invoice:3598240', 'ls_invoice_3598240')`.execute(db);
    await sql`insert into order_fact (merchant_id, order_id, fact_key, kind, amount, state, updated_at) values
      ('mer_a', 'ls_order_5218764', 'refund:1', 'refund', 50, 'succeeded', now()), ('mer_a', 'ls_order_777', 'refund:2', 'refund', 10, 'succeeded', now())`.execute(db);
    await sql`insert into connection (merchant_id, id, provider, campaign_id, mode, sealed_credentials) values ('mer_a', 'con_a', 'lemonsqueezy', 'camp_a', 'live', 'x')`.execute(db);
    await sql`insert into inbound_event (merchant_id, id, connection_id, provider, provider_event_id, event_type, raw_body, headers, query, received_at, status,
                                         next_attempt_at, waiting_for, updated_at)
      values ('mer_a', 'ev_wait', 'con_a', 'lemonsqueezy', 'k', 'order_refunded', ''::bytea, '{}', '{}', now(), 'waiting', now(), 'order:ls_invoice_3598240', now())`.execute(db);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const orderIds = await db.selectFrom('conversion').select(['id', 'order_id']).orderBy('id').execute();
    expect(orderIds).toEqual([
      { id: 'conv_api', order_id: 'ls_order_777' },
      { id: 'conv_invoice', order_id: 'subscription-invoices/3598240' },
      { id: 'conv_order', order_id: '5218764' },
    ]);
    expect(await db.selectFrom('order_reference').select(['reference', 'order_id']).orderBy('reference').execute()).toEqual([
      { reference: 'lemonsqueezy:order:5218764', order_id: '5218764' },
      { reference: 'lemonsqueezy:subscription_invoice:3598240', order_id: 'subscription-invoices/3598240' },
    ]);
    expect(await db.selectFrom('order_fact').select(['order_id', 'fact_key']).orderBy('fact_key').execute()).toEqual([
      { order_id: '5218764', fact_key: 'refund:1' },
      { order_id: 'ls_order_777', fact_key: 'refund:2' },
    ]);
    expect((await db.selectFrom('inbound_event').select('waiting_for').executeTakeFirstOrThrow()).waiting_for).toBe('order:subscription-invoices/3598240');
  });
});
