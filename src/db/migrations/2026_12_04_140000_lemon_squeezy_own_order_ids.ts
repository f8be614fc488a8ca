/**
 * @module Lemon Squeezy conversions recorded before order ids were Lemon Squeezy's own (SPEC §7):
 * `ls_order_<id>` becomes `<id>` and `ls_invoice_<id>` becomes `subscription-invoices/<id>`, in the
 * conversions, the facts kept about their orders, the references that name them and the events
 * waiting on them. A merchant's own order id that already holds the new value (an API report of the
 * same sale) keeps it, and the old row stays as it was. Frozen in time: written against Kysely<any>.
 */
import { sql, type Kysely } from 'kysely';

/** The new id of an old prefixed one, as SQL over `column`. */
function renamed(column: string) {
  return sql`case when ${sql.ref(column)} like 'ls\\_order\\_%' then substr(${sql.ref(column)}, 10)
                  else 'subscription-invoices/' || substr(${sql.ref(column)}, 12) end`;
}

const isOld = (column: string) => sql`(${sql.ref(column)} like 'ls\\_order\\_%' or ${sql.ref(column)} like 'ls\\_invoice\\_%')`;

export async function up(db: Kysely<any>): Promise<void> {
  // Only orders a Lemon Squeezy connection recorded: a merchant may name their own orders anything.
  const lemonSqueezyOrders = sql`(select merchant_id, order_id from conversion where source = 'lemonsqueezy' and ${isOld('order_id')}
                                  union select merchant_id, order_id from order_reference where reference like 'lemonsqueezy:%' and ${isOld('order_id')})`;
  await sql`
    update order_fact set order_id = ${renamed('order_id')}
     where (merchant_id, order_id) in ${lemonSqueezyOrders}
       and not exists (select 1 from order_fact taken where taken.merchant_id = order_fact.merchant_id
                         and taken.order_id = ${renamed('order_fact.order_id')} and taken.fact_key = order_fact.fact_key)`.execute(db);
  await sql`
    update inbound_event set waiting_for = 'order:' || ${renamed('waiting_for_order')}
      from (select merchant_id as waiting_merchant, id as waiting_id, substr(waiting_for, 7) as waiting_for_order from inbound_event
             where status = 'waiting' and waiting_for like 'order:ls\\_%') as waiting
     where inbound_event.merchant_id = waiting.waiting_merchant and inbound_event.id = waiting.waiting_id
       and (waiting.waiting_merchant, waiting.waiting_for_order) in ${lemonSqueezyOrders}`.execute(db);
  await sql`
    update order_reference set order_id = ${renamed('order_id')}
     where reference like 'lemonsqueezy:%' and ${isOld('order_id')}`.execute(db);
  await sql`
    update conversion set order_id = ${renamed('order_id')}
     where source = 'lemonsqueezy' and ${isOld('order_id')}
       and not exists (select 1 from conversion taken where taken.merchant_id = conversion.merchant_id and taken.order_id = ${renamed('conversion.order_id')})`.execute(db);
}

export async function down(): Promise<void> {
  // The old prefixed ids are not restored: they were never the processor's, and nothing reads them.
}
