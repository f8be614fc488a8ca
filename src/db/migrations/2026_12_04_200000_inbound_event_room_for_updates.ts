/**
 * @module Room on inbound_event's pages for its rows' next versions. A claim rewrites only columns no
 * index covers (the lease and counters, inbound-event.repository.ts), which PostgreSQL can do in place
 * — a HOT update, no index entry written — but only when the row's page has free space; an insert-only
 * table fills its pages to the brim. Frozen in time: Kysely<any>.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbound_event set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table inbound_event reset (fillfactor)`.execute(db);
}
