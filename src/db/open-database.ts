/**
 * @module Opens the hub's database: a PostgreSQL server through `pg` — one the operator runs
 * (DATABASE_URL) or the embedded one the hub runs itself (HUB_DATA_DIR) — or PGlite, PostgreSQL
 * compiled to WebAssembly, in memory (memory://) or in a data directory an earlier hub version made.
 * All speak the same SQL and run the same migrations.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type KyselyConfig } from 'kysely';
import pg from 'pg';
import type { DatabaseSetting } from '../config.js';
import type { Database } from './database.js';
import { clusterDirectoryOf, startEmbeddedServer } from './embedded-server/embedded-server.js';
import { EMBEDDED_IDLE_CONNECTION_MS, EMBEDDED_POOL_SIZE } from './embedded-server/server-settings.js';
import { PGliteDialect } from './pglite-dialect.js';
import { storableParameters } from './storable.js';

/** `embedded`: the PostgreSQL server the hub runs; `pglite`: a PGlite data directory from an earlier hub version. */
export type Backend = 'postgres' | 'embedded' | 'pglite' | 'memory';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  /** Human description for the start-up banner, without credentials. */
  readonly description: string;
  /** How many requests may use the database at once; PGlite has exactly one session. */
  readonly concurrency: number;
  /** How another connection reaches the same database (migrations open one of their own); null for PGlite. */
  readonly serverUrl: string | null;
  /** Closes the connections, then stops the embedded server if the hub started one. */
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * int8 columns hold minor-unit money and counts. They are returned as JS numbers, which is exact
 * because every amount is capped far below 2^53; anything larger is a bug and fails loudly.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`int8 value ${text} exceeds the safe integer range`);
  return value;
}

export interface OpenDatabaseOptions {
  poolSize?: number;
  /** kysely's query log hook, for diagnosing (the benchmark's per-query timings use it). */
  log?: KyselyConfig['log'];
  /** PostgreSQL: how long a query may go unanswered before its connection is given up (default 5 s; 0 = no limit, for migrations). */
  queryTimeoutMs?: number;
}

export async function openDatabase(setting: DatabaseSetting, options: OpenDatabaseOptions = {}): Promise<OpenDatabase> {
  const queryTimeoutMs = options.queryTimeoutMs ?? POSTGRES_QUERY_TIMEOUT_MS;
  if (setting.kind === 'postgres') return openPostgres(setting.url, { poolSize: options.poolSize ?? 20, log: options.log, queryTimeoutMs, idleTimeoutMs: 30_000 });
  if (setting.kind === 'memory') return openPGlite(null, options.log);
  if (embeddedEngineOf(setting.dataDir) === 'pglite') return openPGlite(pgliteDirectoryOf(setting.dataDir), options.log);
  return openEmbeddedServer(setting.dataDir, options, queryTimeoutMs);
}

/**
 * The engine of a HUB_DATA_DIR: the embedded PostgreSQL server, unless the directory holds a PGlite
 * database from an earlier hub version (`pgdata`) and no server cluster. That database stays where
 * and what it is — no conversion that could lose it, no refusal that would strand it; the banner says
 * what it does not promise and how to get the server.
 */
export function embeddedEngineOf(dataDir: string): 'server' | 'pglite' {
  return existsSync(join(pgliteDirectoryOf(dataDir), 'PG_VERSION')) && !existsSync(clusterDirectoryOf(dataDir)) ? 'pglite' : 'server';
}

function pgliteDirectoryOf(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

async function openEmbeddedServer(dataDir: string, options: OpenDatabaseOptions, queryTimeoutMs: number): Promise<OpenDatabase> {
  const server = await startEmbeddedServer(dataDir);
  const database = openPostgres(server.url, { poolSize: options.poolSize ?? EMBEDDED_POOL_SIZE, log: options.log, queryTimeoutMs, idleTimeoutMs: EMBEDDED_IDLE_CONNECTION_MS });
  return {
    ...database,
    backend: 'embedded',
    description: `embedded PostgreSQL ${server.version} server in ${server.clusterDirectory} (started and stopped by this hub)`,
    async close() {
      try {
        await database.close();
      } finally {
        await server.stop();
      }
    },
  };
}

async function openPGlite(directory: string | null, log: KyselyConfig['log']): Promise<OpenDatabase> {
  // Loaded only here: PostgreSQL deployments and the embedded server never pay for the WebAssembly build.
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create(directory ?? 'memory://', { parsers: { [INT8_OID]: parseInt8 } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client), ...(log ? { log } : {}) });
  return {
    db,
    backend: directory ? 'pglite' : 'memory',
    description: directory ? `embedded PostgreSQL (PGlite) in ${directory}, from an earlier version of the hub` : 'embedded PostgreSQL (PGlite) in memory',
    concurrency: 1,
    serverUrl: null,
    close: () => db.destroy(),
  };
}

/**
 * A pg client that prepares every parameterised query once per connection (a named statement per
 * distinct SQL text), so PostgreSQL parses and plans the hub's few dozen query shapes once instead of
 * on every webhook. Every parameter is made storable on the way (storable.ts). A query that gets no
 * answer in time (a black-holed connection) closes its connection: pg would otherwise keep queueing
 * later queries behind it, and the pool only drops connections that are closed.
 */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && args.length === 2) {
      const pending = super.query({ name: statementName(text), text, values: storableParameters(values) } as pg.QueryConfig) as unknown as Promise<unknown>;
      pending.catch((error: unknown) => {
        if (error instanceof Error && error.message === QUERY_TIMEOUT_MESSAGE) this.#closeConnection();
      });
      return pending as never;
    }
    return (super.query as (...queryArgs: unknown[]) => never)(...args);
  }

  #closeConnection(): void {
    (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

function statementName(text: string): string {
  return `hub_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

/** pg's own message when a query gets no answer within `query_timeout`. */
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * Every query the hub serves with answers in milliseconds; one unanswered for 5 s is on a connection
 * that went silent (a failover, a proxy dropping packets), and the request gets its 503 while the
 * processor is still listening. Migrations, which may rightly take minutes, run without it.
 */
export const POSTGRES_QUERY_TIMEOUT_MS = 5_000;

function openPostgres(url: string, { poolSize, log, queryTimeoutMs, idleTimeoutMs }: { poolSize: number; log: KyselyConfig['log']; queryTimeoutMs: number; idleTimeoutMs: number }): OpenDatabase {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: poolSize,
    // Fail fast when the server is gone so a webhook gets a 503 (and is retried) instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: idleTimeoutMs,
    // A connection that went silent (failover, a proxy dropping packets) is given up on, not waited on.
    ...(queryTimeoutMs > 0 ? { query_timeout: queryTimeoutMs } : {}),
    keepAlive: true,
    types: { getTypeParser: hubTypeParser as typeof pg.types.getTypeParser },
  });
  // A connection lost while idle: the pool drops it; the next query opens another.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    // A connection lost while checked out (a reset, a server restart) makes its client emit
    // 'error'; pg only listens while the client is idle, and an unheard 'error' stops the process.
    // The query in flight fails on its own (→ 503), and the pool drops the broken client on release.
    client.on('error', () => undefined);
    // Prepared statements save parsing, but a generic plan is made once and kept: one made while a
    // table was still empty (a fresh install) can scan the whole table per query forever after.
    // Planning each execution with the statistics of the moment costs little and keeps plans right.
    client.query('set plan_cache_mode = force_custom_plan').catch(() => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  return {
    db,
    backend: 'postgres',
    description: `PostgreSQL at ${redactUrl(url)}`,
    concurrency: poolSize,
    serverUrl: url,
    close: () => db.destroy(),
  };
}

function hubTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  if (oid === INT8_OID) return parseInt8;
  return pg.types.getTypeParser(oid, format) as (text: string) => unknown;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
