/**
 * @module Raw deliveries are kept for replay, not forever (SPEC §13): once an event is settled
 * (processed, ignored or dead), its raw body is dropped `HUB_RAW_PAYLOAD_RETENTION_DAYS` after it
 * arrived. The event, its trace and every canonical record it made stay; only a replay is no longer
 * possible. Waiting and failed events keep their bodies: they will be read again.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** Drops up to `limit` expired payloads in one statement; returns how many. */
export async function dropExpiredPayloads(db: Kysely<Database>, now: Date, retentionDays: number, limit = 1_000): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const result = await sql`
    update inbound_event set raw_body = ''::bytea, payload_key_id = null, payload_dropped_at = ${now}
     where (merchant_id, id) in (
       select merchant_id, id from inbound_event
        where payload_dropped_at is null and received_at < ${cutoff} and status in ('processed', 'ignored', 'dead')
        order by received_at
        limit ${limit})`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
