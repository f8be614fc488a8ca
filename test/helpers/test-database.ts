/**
 * A fresh, migrated database for one test file, on the backend this vitest project runs
 * (HUB_TEST_BACKEND): an in-memory PGlite, or a copy of the migrated PostgreSQL template.
 */
import { inject } from 'vitest';
import pg from 'pg';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { randomBase62 } from '../../src/lib/ids.js';
import { adminDatabaseUrl, databaseUrlFor } from './postgres-urls.js';

export type TestBackend = 'pglite' | 'postgres';

export const TEST_BACKEND: TestBackend = process.env.HUB_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase extends OpenDatabase {
  /** For postgres: the connection URL of this copy (to start a second hub process on it). */
  readonly url: string | null;
}

/** `migrated: false` gives an empty database, for tests of the migrations themselves. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (TEST_BACKEND === 'pglite') {
    const database = await openDatabase({ kind: 'memory' });
    if (migrated) await migrateToLatest(database.db);
    return { ...database, url: null };
  }
  const name = `hub_test_${randomBase62(12).toLowerCase()}`;
  await withAdminClient(async (client) => {
    // Two files copying the template at the same instant can collide (55006 object_in_use): retry.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await client.query(migrated ? `create database "${name}" template "${inject('postgresTemplateDatabase')}"` : `create database "${name}"`);
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
  const url = databaseUrlFor(name);
  const database = await openDatabase({ kind: 'postgres', url }, { poolSize: 25 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
