/** @module Inbound event rows: the durable log of every authentic delivery and the worker's queue. */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import { toJsonb } from '../storable.js';
import type { InboundEvent, InboundEventStatus, NewInboundEvent } from '../tables/inbound-event.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

export interface StoredDelivery {
  eventId: string;
  duplicate: boolean;
}

/**
 * Stores a delivery in one statement and one commit (SPEC §13), deduplicated on
 * (merchant, connection, provider event id). The first branch inserts; the second finds the row a
 * re-delivery collided with. Returns undefined only when a concurrent first delivery committed
 * after this statement's snapshot was taken (the caller then reads once more).
 */
export async function insertDeliveryOnce(db: Executor, event: NewInboundEvent): Promise<StoredDelivery | undefined> {
  const result = await sql<{ id: string; duplicate: boolean }>`
    with inserted as (
      insert into inbound_event (merchant_id, id, connection_id, provider, provider_event_id, event_type, raw_body, payload_key_id, headers, query,
                                 received_at, status, reason, error, next_attempt_at, trace, updated_at)
      values (${event.merchant_id}, ${event.id}, ${event.connection_id}, ${event.provider}, ${event.provider_event_id}, ${event.event_type},
              ${event.raw_body}, ${event.payload_key_id ?? null}, ${event.headers}::jsonb, ${event.query}::jsonb, ${event.received_at}, ${event.status}, ${event.reason ?? null},
              ${event.error ?? null}, ${event.next_attempt_at}, ${event.trace ?? '[]'}::jsonb, ${event.updated_at})
      on conflict (merchant_id, connection_id, provider_event_id) do nothing
      returning id
    )
    select id, false as duplicate from inserted
    union all
    select id, true as duplicate from inbound_event
     where merchant_id = ${event.merchant_id} and connection_id = ${event.connection_id} and provider_event_id = ${event.provider_event_id}
       and not exists (select 1 from inserted)`.execute(db);
  const row = result.rows[0];
  return row ? { eventId: row.id, duplicate: row.duplicate } : undefined;
}

/**
 * Stores several deliveries in one statement and one commit, deduplicated like `insertDeliveryOnce`.
 * Returns the ids of the rows it inserted; a delivery that collided with a stored one is absent.
 */
export async function insertDeliveries(db: Executor, events: readonly NewInboundEvent[]): Promise<Set<string>> {
  const rows = await db.insertInto('inbound_event').values(events)
    .onConflict((conflict) => conflict.columns(['merchant_id', 'connection_id', 'provider_event_id']).doNothing())
    .returning('id')
    .execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Stores a delivery or, when the processor notifies again about the same object (GoPay), re-arms
 * the stored event so processing fetches the new state. One statement, one commit.
 */
export async function insertOrRearmDelivery(db: Executor, event: NewInboundEvent): Promise<StoredDelivery> {
  const result = await sql<{ id: string; inserted: boolean }>`
    insert into inbound_event (merchant_id, id, connection_id, provider, provider_event_id, event_type, raw_body, payload_key_id, headers, query,
                               received_at, status, next_attempt_at, updated_at)
    values (${event.merchant_id}, ${event.id}, ${event.connection_id}, ${event.provider}, ${event.provider_event_id}, ${event.event_type},
            ${event.raw_body}, ${event.payload_key_id ?? null}, ${event.headers}::jsonb, ${event.query}::jsonb, ${event.received_at}, 'received', ${event.next_attempt_at}, ${event.updated_at})
    on conflict (merchant_id, connection_id, provider_event_id) do update set
      status = 'received', reason = null, error = null, attempts = 0, waiting_for = null, unfinished_claims = 0,
      next_attempt_at = excluded.next_attempt_at, received_at = excluded.received_at, updated_at = excluded.updated_at,
      raw_body = excluded.raw_body, payload_key_id = excluded.payload_key_id, payload_dropped_at = null, headers = excluded.headers, query = excluded.query,
      generation = inbound_event.generation + 1
    returning id, (xmax = 0) as inserted`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('insert … on conflict do update returned no row');
  return { eventId: row.id, duplicate: !row.inserted };
}

export async function findDelivery(db: Executor, merchantId: string, connectionId: string, providerEventId: string): Promise<string | undefined> {
  const row = await db.selectFrom('inbound_event').select('id')
    .where('merchant_id', '=', merchantId).where('connection_id', '=', connectionId).where('provider_event_id', '=', providerEventId)
    .executeTakeFirst();
  return row?.id;
}

export async function findInboundEvent(db: Executor, merchantId: string, eventId: string): Promise<InboundEvent | undefined> {
  return db.selectFrom('inbound_event').selectAll().where('merchant_id', '=', merchantId).where('id', '=', eventId).executeTakeFirst();
}

export interface InboundEventFilter {
  provider?: string | undefined;
  connectionId?: string | undefined;
  status?: InboundEventStatus | undefined;
}

export async function listInboundEvents(db: Executor, merchantId: string, filter: InboundEventFilter, page: PageRequest): Promise<Page<InboundEvent>> {
  let query = db.selectFrom('inbound_event').where('merchant_id', '=', merchantId);
  if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  // An event being worked on is reported as `received` (SPEC §6): the filter finds it under that name.
  if (filter.status !== undefined) query = query.where('status', 'in', filter.status === 'received' ? ['received', 'processing'] : [filter.status]);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Claims in a row that ended without a finish (their process died or hung) before an event is quarantined. */
export const POISON_AFTER_UNFINISHED_CLAIMS = 5;

const POISON_ERROR = `processing this event stopped or hung the process that took it ${POISON_AFTER_UNFINISHED_CLAIMS} times in a row; `
  + 'it is quarantined and will not be retried; replay it after a fix';

/**
 * Claims up to `limit` events that are due, for `leaseMs`. SKIP LOCKED lets several hub processes
 * claim side by side without ever taking the same row; an expired lease (a crashed worker) is due again.
 * Each claim is a new generation, so a worker whose lease ran out can no longer finish the event.
 * An event whose earlier claims never finished is quarantined instead: status `dead`, reason
 * `poison` (returned with that status; the caller does not process it).
 *
 * A claim writes only columns no index covers (the lease, the counters): its status and due time stay
 * as they were, so PostgreSQL can update the row in place (a HOT update, no index entries written;
 * the table keeps room on its pages for it). An event under a lease is skipped by `locked_until`.
 */
export async function claimDueEvents(db: Executor, now: Date, limit: number, leaseMs: number): Promise<InboundEvent[]> {
  const leaseEnd = new Date(now.getTime() + leaseMs);
  const poisoned = sql<boolean>`unfinished_claims >= ${POISON_AFTER_UNFINISHED_CLAIMS}`;
  const result = await sql<InboundEvent>`
    update inbound_event set
           status = case when ${poisoned} then 'dead' else status end,
           reason = case when ${poisoned} then 'poison' else reason end,
           error = case when ${poisoned} then ${POISON_ERROR} else error end,
           trace = case when ${poisoned} then trace || jsonb_build_array(${`quarantined as poison: ${POISON_ERROR}`}::text) else trace end,
           locked_until = case when ${poisoned} then null else ${leaseEnd}::timestamptz end,
           attempts = attempts + 1, updated_at = ${now},
           unfinished_claims = unfinished_claims + 1, generation = generation + 1
     where (merchant_id, id) in (
       select merchant_id, id from inbound_event
        where status in ('received', 'processing', 'waiting', 'failed') and next_attempt_at <= ${now}
          and (locked_until is null or locked_until <= ${now})
        order by next_attempt_at
        limit ${limit}
        for update skip locked)
    returning *`.execute(db);
  return result.rows;
}

/** A claim held by this process, by the generation it claimed. */
export interface HeldClaim {
  merchantId: string;
  id: string;
  generation: number;
}

/** Extends the leases of claims still being worked on (the heartbeat), in one statement. */
export async function renewClaims(db: Executor, claims: readonly HeldClaim[], leaseEnd: Date): Promise<void> {
  if (claims.length === 0) return;
  await sql`
    update inbound_event set locked_until = ${leaseEnd}
      from unnest(${claims.map((claim) => claim.merchantId)}::text[], ${claims.map((claim) => claim.id)}::text[],
                  ${claims.map((claim) => claim.generation)}::int[]) as claim(merchant_id, id, generation)
     where inbound_event.merchant_id = claim.merchant_id and inbound_event.id = claim.id
       and inbound_event.generation = claim.generation and inbound_event.locked_until is not null`.execute(db);
}

/**
 * The last resort when recording an event's failure failed: one small update with nothing but the
 * status, a short error and the next attempt, so the event is not left claimed and unexplained.
 */
export async function markEventFailed(db: Executor, claim: HeldClaim, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
  await db.updateTable('inbound_event')
    .set({ status: 'failed', error: error.slice(0, 2_000), reason: null, next_attempt_at: nextAttemptAt, locked_until: null, unfinished_claims: 0, updated_at: now })
    .where('merchant_id', '=', claim.merchantId).where('id', '=', claim.id).where('generation', '=', claim.generation)
    .execute();
}

/** Re-arms one event for processing now (replay); returns the new generation. */
export async function rearmEvent(db: Executor, merchantId: string, eventId: string, now: Date): Promise<InboundEvent | undefined> {
  return db.updateTable('inbound_event')
    .set((eb) => ({ status: 'received', next_attempt_at: now, locked_until: null, updated_at: now, unfinished_claims: 0, generation: eb('generation', '+', 1) }))
    .where('merchant_id', '=', merchantId).where('id', '=', eventId)
    .returningAll().executeTakeFirst();
}

/** How a claimed event ends, as its row: `finishEvents` writes it unless the event was re-armed meanwhile. */
export interface EventEnding {
  merchantId: string;
  id: string;
  generation: number;
  status: InboundEventStatus;
  reason: string | null;
  error: string | null;
  trace: readonly string[];
  conversionIds: readonly string[];
  waitingFor: string | null;
  nextAttemptAt: Date;
  processedAt: Date | null;
}

/**
 * Finishes several claims in one statement, each unless the event was re-armed meanwhile (then it
 * stays due for another pass): a claim can only finish the generation it took.
 */
export async function finishEvents(db: Executor, endings: readonly EventEnding[], now: Date): Promise<void> {
  if (endings.length === 0) return;
  const column = <K extends keyof EventEnding>(name: K) => endings.map((ending) => ending[name]);
  await sql`
    update inbound_event
       set status = ending.status, reason = ending.reason, error = ending.error, trace = ending.trace::jsonb,
           conversion_ids = ending.conversion_ids::jsonb, waiting_for = ending.waiting_for, next_attempt_at = ending.next_attempt_at,
           processed_at = ending.processed_at, locked_until = null, unfinished_claims = 0, updated_at = ${now}
      from unnest(${column('merchantId')}::text[], ${column('id')}::text[], ${column('generation')}::int[], ${column('status')}::text[],
                  ${column('reason')}::text[], ${column('error')}::text[], ${endings.map((ending) => toJsonb(ending.trace))}::text[],
                  ${endings.map((ending) => toJsonb(ending.conversionIds))}::text[], ${column('waitingFor')}::text[],
                  ${endings.map((ending) => ending.nextAttemptAt.toISOString())}::timestamptz[],
                  ${endings.map((ending) => ending.processedAt?.toISOString() ?? null)}::timestamptz[])
           as ending(merchant_id, id, generation, status, reason, error, trace, conversion_ids, waiting_for, next_attempt_at, processed_at)
     where inbound_event.merchant_id = ending.merchant_id and inbound_event.id = ending.id and inbound_event.generation = ending.generation`.execute(db);
}

/** Wakes the waiting events that wait for any of these (merchant, reference) pairs, in one statement. */
export async function wakeWaitingEvents(db: Executor, waitedFor: readonly { merchantId: string; reference: string }[], now: Date): Promise<number> {
  if (waitedFor.length === 0) return 0;
  const result = await sql`
    update inbound_event set next_attempt_at = ${now}, updated_at = ${now}
      from unnest(${waitedFor.map((item) => item.merchantId)}::text[], ${waitedFor.map((item) => item.reference)}::text[]) as woken(merchant_id, reference)
     where inbound_event.merchant_id = woken.merchant_id and inbound_event.status = 'waiting' and inbound_event.waiting_for = woken.reference`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

export async function countQueuedEvents(db: Executor): Promise<number> {
  const row = await db.selectFrom('inbound_event').select((eb) => eb.fn.countAll<number>().as('total'))
    .where('status', 'in', ['received', 'processing']).executeTakeFirstOrThrow();
  return Number(row.total);
}

/** Claims one event now, whatever its state (replay): a new generation so an older claim cannot finish it. */
export async function claimEventNow(db: Executor, merchantId: string, eventId: string, now: Date, leaseMs: number): Promise<InboundEvent | undefined> {
  const leaseEnd = new Date(now.getTime() + leaseMs);
  return db.updateTable('inbound_event')
    .set((eb) => ({
      status: 'processing', locked_until: leaseEnd, next_attempt_at: leaseEnd, updated_at: now, unfinished_claims: 1,
      attempts: eb('attempts', '+', 1), generation: eb('generation', '+', 1),
    }))
    .where('merchant_id', '=', merchantId).where('id', '=', eventId)
    .returningAll().executeTakeFirst();
}

/**
 * Gives a claimed delivery the identity its processor confirmed, unless it was re-armed meanwhile.
 * `taken` when another delivery already has that identity (the caller merges); `superseded` when the
 * claim is no longer the newest (a fresh notification re-armed it: it will be read again).
 */
export async function renameDelivery(db: Executor, claim: HeldClaim, connectionId: string, providerEventId: string): Promise<'renamed' | 'taken' | 'superseded'> {
  const taken = await findDelivery(db, claim.merchantId, connectionId, providerEventId);
  if (taken) return 'taken';
  const result = await db.updateTable('inbound_event').set({ provider_event_id: providerEventId })
    .where('merchant_id', '=', claim.merchantId).where('id', '=', claim.id).where('generation', '=', claim.generation)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? 'renamed' : 'superseded';
}

/**
 * A claimed delivery that turned out to be a re-delivery of a stored one: it is removed (it held no
 * more than the stored one does) and the stored one's trace says it came again. False when the claim
 * is no longer the newest (then nothing changes).
 */
export async function mergeIntoDelivery(db: Executor, claim: HeldClaim, connectionId: string, providerEventId: string, note: string): Promise<boolean> {
  const removed = await db.deleteFrom('inbound_event')
    .where('merchant_id', '=', claim.merchantId).where('id', '=', claim.id).where('generation', '=', claim.generation)
    .executeTakeFirst();
  if (removed.numDeletedRows === 0n) return false;
  await sql`
    update inbound_event set trace = trace || jsonb_build_array(${note}::text)
     where merchant_id = ${claim.merchantId} and connection_id = ${connectionId} and provider_event_id = ${providerEventId}`.execute(db);
  return true;
}
