/** Every row of every hub table, to prove a refused request changed nothing. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';

export async function snapshotDatabase(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(db);
  const snapshot: Record<string, unknown[]> = {};
  for (const { table_name: table } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    snapshot[table] = rows.rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
