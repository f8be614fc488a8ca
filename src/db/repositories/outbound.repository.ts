/** @module The outbox and the delivery queue of outbound webhooks. */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import type { NewOutboundEvent, OutboundEvent } from '../tables/outbound-event.table.js';
import type { WebhookDelivery, WebhookDeliveryUpdate } from '../tables/webhook-delivery.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

/**
 * Writes the event and one pending delivery per enabled endpoint subscribed to its type, in one
 * statement, inside the caller's transaction: the event exists exactly when the change does. An event
 * no enabled endpoint of its merchant takes is not written at all (webhooks only go forward; a row
 * nobody will be sent is work for nothing on every sale). Delivery ids are the event id plus the
 * endpoint id, so they are deterministic and unique.
 */
export async function enqueueOutboundEvent(db: Executor, event: NewOutboundEvent): Promise<void> {
  await enqueueOutboundEvents(db, [event]);
}

/** The same for several events in one statement; their sequence follows the order given. */
export async function enqueueOutboundEvents(db: Executor, events: readonly NewOutboundEvent[]): Promise<void> {
  if (events.length === 0) return;
  const column = <K extends keyof NewOutboundEvent>(key: K) => events.map((event) => event[key]);
  await sql`
    with event as (
      insert into outbound_event (merchant_id, id, type, conversion_id, body, created_at)
      select given.merchant_id, given.id, given.type, given.conversion_id, given.body, given.created_at
        from unnest(${column('merchant_id')}::text[], ${column('id')}::text[], ${column('type')}::text[], ${column('conversion_id')}::text[],
                    ${column('body')}::text[], ${events.map((event) => event.created_at.toISOString())}::timestamptz[])
             with ordinality as given(merchant_id, id, type, conversion_id, body, created_at, position)
       where exists (select 1 from webhook_endpoint subscribed
                      where subscribed.merchant_id = given.merchant_id and subscribed.status = 'enabled'
                        and subscribed.deleted_at is null and subscribed.events ? given.type)
       order by position
      returning merchant_id, id, type, created_at
    )
    insert into webhook_delivery (merchant_id, id, endpoint_id, event_id, event_type, status, next_attempt_at, created_at, updated_at)
    select event.merchant_id, 'whd_' || substr(event.id, 5) || '_' || substr(endpoint.id, 4), endpoint.id, event.id, event.type, 'pending',
           event.created_at, event.created_at, event.created_at
      from event
      join webhook_endpoint endpoint on endpoint.merchant_id = event.merchant_id
     where endpoint.status = 'enabled' and endpoint.deleted_at is null and endpoint.events ? event.type`.execute(db);
}

export async function listOutboundEvents(db: Executor, merchantId: string, conversionId: string): Promise<OutboundEvent[]> {
  return db.selectFrom('outbound_event').selectAll()
    .where('merchant_id', '=', merchantId).where('conversion_id', '=', conversionId)
    .orderBy('sequence').execute();
}

export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  sealed_secret: string;
  body: string;
}

/** Claims due deliveries under a lease; SKIP LOCKED keeps several relays off the same row. */
export async function claimDueDeliveries(db: Executor, now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const leaseEnd = new Date(now.getTime() + leaseMs);
  const result = await sql<ClaimedDelivery>`
    with claimed as (
      update webhook_delivery set locked_until = ${leaseEnd}, next_attempt_at = ${leaseEnd}, attempts = attempts + 1, updated_at = ${now}
       where (merchant_id, id) in (
         select merchant_id, id from webhook_delivery
          where status = 'pending' and next_attempt_at <= ${now}
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
      returning *
    )
    select claimed.*, endpoint.url, endpoint.sealed_secret, event.body
      from claimed
      join webhook_endpoint endpoint on endpoint.merchant_id = claimed.merchant_id and endpoint.id = claimed.endpoint_id
      join outbound_event event on event.merchant_id = claimed.merchant_id and event.id = claimed.event_id`.execute(db);
  return result.rows;
}

export async function updateDelivery(db: Executor, merchantId: string, deliveryId: string, changes: WebhookDeliveryUpdate): Promise<void> {
  await db.updateTable('webhook_delivery').set(changes).where('merchant_id', '=', merchantId).where('id', '=', deliveryId).execute();
}

/** Stops every pending delivery to an endpoint (it was deleted, or answered 410 Gone). */
export async function failPendingDeliveries(db: Executor, merchantId: string, endpointId: string, reason: string, now: Date): Promise<void> {
  await db.updateTable('webhook_delivery')
    .set({ status: 'failed', last_error: reason, next_attempt_at: null, locked_until: null, updated_at: now })
    .where('merchant_id', '=', merchantId).where('endpoint_id', '=', endpointId).where('status', '=', 'pending')
    .execute();
}

export async function listDeliveries(db: Executor, merchantId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
  const query = db.selectFrom('webhook_delivery').where('merchant_id', '=', merchantId).where('endpoint_id', '=', endpointId);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Per merchant, the outbound event types some enabled endpoint is subscribed to (merchants with none are absent). */
export async function findSubscribedEventTypes(db: Executor, merchantIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const subscribed = new Map<string, Set<string>>();
  if (merchantIds.length === 0) return subscribed;
  const result = await sql<{ merchant_id: string; type: string }>`
    select distinct merchant_id, jsonb_array_elements_text(events) as type from webhook_endpoint
     where merchant_id = any(${[...new Set(merchantIds)]}::text[]) and status = 'enabled' and deleted_at is null`.execute(db);
  for (const row of result.rows) subscribed.set(row.merchant_id, (subscribed.get(row.merchant_id) ?? new Set()).add(row.type));
  return subscribed;
}
