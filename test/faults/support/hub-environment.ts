/**
 * The environment of a hub child process on this vitest project's backend: a temporary data dir for
 * the embedded database, or a fresh PostgreSQL database (a copy of the migrated template) — plus a
 * handle on that database for checks that must not go through the hub.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from '../../helpers/test-database.js';

export const FAULT_ADMIN_TOKEN = 'fault-suite-admin-token-0123456789';
const SECRET_KEY = 'fa'.repeat(32);

export interface HubStorage {
  /** DATABASE_URL or HUB_DATA_DIR, and HUB_SECRET_KEY where it is required. */
  readonly environment: Record<string, string>;
  /** The PostgreSQL database itself (postgres project only): for checks made around the hub. */
  readonly database: TestDatabase | null;
  cleanUp(): Promise<void>;
}

export async function createHubStorage(): Promise<HubStorage> {
  if (TEST_BACKEND === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-fault-'));
    return {
      environment: { HUB_DATA_DIR: dataDir },
      database: null,
      cleanUp: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const database = await createTestDatabase();
  return {
    environment: { DATABASE_URL: database.url ?? '', HUB_SECRET_KEY: SECRET_KEY },
    database,
    cleanUp: () => database.close(),
  };
}

/**
 * Everything but the database: loopback on a free port, a known admin token, the loopback API
 * doubles allowed (HUB_ALLOW_PRIVATE_NETWORK is the new name of HUB_ALLOW_PRIVATE_WEBHOOKS; both
 * are set while the rename lands), and no per-key rate limit in the way of a corpus.
 */
export function hubEnvironment(storage: HubStorage, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...storage.environment,
    PORT: '0',
    HOST: '127.0.0.1',
    HUB_PUBLIC_URL: 'https://hub.fault.test',
    HUB_ADMIN_TOKEN: FAULT_ADMIN_TOKEN,
    HUB_ALLOW_PRIVATE_NETWORK: '1',
    HUB_ALLOW_PRIVATE_WEBHOOKS: '1',
    HUB_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}
