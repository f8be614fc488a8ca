/** @module `npm run migrate`: bring the configured database to the latest schema and exit. */
import { readConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open-database.js';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  // No query timeout: a migration on a large table may rightly take minutes.
  const database = await openDatabase(config.database, { poolSize: 1, queryTimeoutMs: 0 });
  try {
    const results = await migrateToLatest(database.db);
    for (const result of results) process.stdout.write(`${result.status === 'Success' ? 'applied' : result.status}: ${result.migrationName}\n`);
    process.stdout.write(`${database.description} is at the latest schema (${results.length} migration(s) applied now)\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
