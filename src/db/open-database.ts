/**
 * @module Opens the hub's database: PostgreSQL through `pg`, or the embedded PGlite (on disk or in
 * memory). Both speak the same SQL and run the same migrations.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type KyselyConfig } from 'kysely';
import pg from 'pg';
import type { DatabaseSetting } from '../config.js';
import type { Database } from './database.js';
import { PGliteDialect } from './pglite-dialect.js';
import { storableParameters } from './storable.js';

export type Backend = 'postgres' | 'embedded' | 'memory';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  /** Human description for the start-up banner, without credentials. */
  readonly description: string;
  /** How many requests may use the database at once; the embedded database has exactly one session. */
  readonly concurrency: number;
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
  if (setting.kind === 'postgres') return openPostgres(setting.url, options.poolSize ?? 20, options.log, options.queryTimeoutMs ?? POSTGRES_QUERY_TIMEOUT_MS);
  const dataDir = setting.kind === 'embedded' ? join(setting.dataDir, 'pgdata') : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir ?? 'memory://', { parsers: { [INT8_OID]: parseInt8 } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client), ...(options.log ? { log: options.log } : {}) });
  return {
    db,
    backend: setting.kind,
    description: dataDir ? `embedded PostgreSQL (PGlite) in ${dataDir}` : 'embedded PostgreSQL (PGlite) in memory',
    concurrency: 1,
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

function openPostgres(url: string, poolSize: number, log: KyselyConfig['log'], queryTimeoutMs: number): OpenDatabase {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: poolSize,
    // Fail fast when the server is gone so a webhook gets a 503 (and is retried) instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
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
