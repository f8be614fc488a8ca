/**
 * @module Configuration: read from the environment once, validated, frozen, then passed to whatever
 * needs it. Nothing else in the hub reads `process.env`.
 */
import { ConfigError } from './contract/errors.js';

export type DatabaseSetting =
  | { kind: 'postgres'; url: string }
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'memory' };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  /** True when HUB_PUBLIC_URL was not given: the URL follows the port actually bound (PORT=0 picks one). */
  readonly publicUrlFollowsPort: boolean;
  readonly database: DatabaseSetting;
  /** Where the embedded PostgreSQL server's cluster (`postgres/`), its log and the generated secrets live (unused with memory://). */
  readonly dataDir: string;
  /** Admin bearer token; null disables `/admin/v1` (or, on the embedded database, means "generate one"). */
  readonly adminToken: string | null;
  /** HUB_METRICS_TOKEN: bearer token `/metrics` requires; null leaves `/metrics` open (behind a private network). */
  readonly metricsToken: string | null;
  /** 32-byte master key for AES-256-GCM secrets and keyed PII hashes; null means "generate one" (embedded only). */
  readonly secretKey: Buffer | null;
  /** HUB_SECRET_KEY_PREVIOUS: retired master keys, comma-separated; they open what they sealed, and seal nothing. */
  readonly previousSecretKeys: readonly Buffer[];
  /** HUB_RAW_PAYLOAD_RETENTION_DAYS: raw deliveries of settled events are dropped this long after they arrived. */
  readonly rawPayloadRetentionDays: number;
  readonly rateLimitPerMinute: number;
  /** Processing units (a batch of plain purchases, or one other event) in flight per hub process; null = 4 on a PostgreSQL server (the embedded one included), 1 on PGlite. */
  readonly processingConcurrency: number | null;
  /** Events claimed at once; their simple purchases are recorded in one transaction. 1 = every event on its own. */
  readonly processingBatchSize: number;
  /** HUB_ALLOW_PRIVATE_NETWORK: outbound calls (webhooks, processor APIs) may reach private and loopback addresses over http. */
  readonly allowPrivateNetwork: boolean;
  /** HUB_MAX_CONNECTIONS: open client connections at most; further ones are closed at once. */
  readonly maxConnections: number;
  /** express `trust proxy` setting: false, a hop count, or a subnet list such as "loopback". */
  readonly trustProxy: boolean | number | string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

type Environment = Readonly<Record<string, string | undefined>>;

export function readConfig(environment: Environment): Config {
  const port = readInteger(environment, 'PORT', 3000, 0, 65535);
  const dataDir = nonEmpty(environment.HUB_DATA_DIR) ?? './.hub-data';
  const database = readDatabase(environment.DATABASE_URL, dataDir);
  const secretKey = readSecretKey(environment.HUB_SECRET_KEY);
  if (database.kind === 'postgres' && !secretKey) {
    throw new ConfigError('HUB_SECRET_KEY is required with DATABASE_URL (32 bytes as 64 hex characters or base64); generate one with: openssl rand -hex 32');
  }
  const explicitPublicUrl = nonEmpty(environment.HUB_PUBLIC_URL);
  const publicUrl = (explicitPublicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigError(`HUB_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  const processingConcurrency = nonEmpty(environment.HUB_PROCESSING_CONCURRENCY) === null ? null : readInteger(environment, 'HUB_PROCESSING_CONCURRENCY', 4, 0, 64);
  // An ingest-only process relies on another process on the same database; the embedded one has no other.
  if (processingConcurrency === 0 && database.kind !== 'postgres') {
    throw new ConfigError('HUB_PROCESSING_CONCURRENCY=0 (ingest only) needs DATABASE_URL: on the embedded database no other process could process what this one stores');
  }
  const adminToken = nonEmpty(environment.HUB_ADMIN_TOKEN);
  if (adminToken !== null && adminToken.length < 16) throw new ConfigError('HUB_ADMIN_TOKEN must be at least 16 characters');
  const metricsToken = nonEmpty(environment.HUB_METRICS_TOKEN);
  if (metricsToken !== null && metricsToken.length < 16) throw new ConfigError('HUB_METRICS_TOKEN must be at least 16 characters');
  return Object.freeze({
    port,
    host: nonEmpty(environment.HOST) ?? '0.0.0.0',
    publicUrl,
    publicUrlFollowsPort: explicitPublicUrl === null,
    database: Object.freeze(database),
    dataDir,
    adminToken,
    metricsToken,
    secretKey,
    previousSecretKeys: Object.freeze(readPreviousSecretKeys(environment.HUB_SECRET_KEY_PREVIOUS)),
    rawPayloadRetentionDays: readInteger(environment, 'HUB_RAW_PAYLOAD_RETENTION_DAYS', 30, 1, 3_650),
    rateLimitPerMinute: readInteger(environment, 'HUB_RATE_LIMIT_PER_MINUTE', 300, 1, 1_000_000),
    processingConcurrency,
    processingBatchSize: readInteger(environment, 'HUB_PROCESSING_BATCH_SIZE', 32, 1, 500),
    allowPrivateNetwork: readAllowPrivateNetwork(environment),
    maxConnections: readInteger(environment, 'HUB_MAX_CONNECTIONS', 1_000, 1, 1_000_000),
    trustProxy: readTrustProxy(environment.HUB_TRUST_PROXY),
    logLevel: readLogLevel(environment.LOG_LEVEL),
  });
}

function nonEmpty(value: string | undefined): string | null {
  return value !== undefined && value.trim() !== '' ? value.trim() : null;
}

function readDatabase(url: string | undefined, dataDir: string): DatabaseSetting {
  const value = nonEmpty(url);
  if (value === null) return { kind: 'embedded', dataDir };
  if (value === 'memory://') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  throw new ConfigError('DATABASE_URL must be postgres://… (a PostgreSQL server) or memory:// (an in-memory embedded database)');
}

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function parseSecretKey(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 32) return bytes;
  }
  return null;
}

function readSecretKey(value: string | undefined): Buffer | null {
  const text = nonEmpty(value);
  if (text === null) return null;
  const key = parseSecretKey(text);
  if (!key) throw new ConfigError('HUB_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

function readPreviousSecretKeys(value: string | undefined): Buffer[] {
  const text = nonEmpty(value);
  if (text === null) return [];
  return text.split(',').map((part, index) => {
    const key = parseSecretKey(part.trim());
    if (!key) throw new ConfigError(`HUB_SECRET_KEY_PREVIOUS entry ${index + 1} must be 32 bytes, as 64 hex characters or base64`);
    return key;
  });
}

function readInteger(environment: Environment, name: string, fallback: number, min: number, max: number): number {
  const text = nonEmpty(environment[name]);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function readFlag(environment: Environment, name: string): boolean {
  const text = nonEmpty(environment[name]);
  if (text === null || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new ConfigError(`${name} must be 1 or 0, got "${text}"`);
}

/** HUB_ALLOW_PRIVATE_NETWORK, or its former name HUB_ALLOW_PRIVATE_WEBHOOKS (from when it covered only webhooks); the new name wins when both are set. */
function readAllowPrivateNetwork(environment: Environment): boolean {
  return nonEmpty(environment.HUB_ALLOW_PRIVATE_NETWORK) !== null
    ? readFlag(environment, 'HUB_ALLOW_PRIVATE_NETWORK')
    : readFlag(environment, 'HUB_ALLOW_PRIVATE_WEBHOOKS');
}

function readTrustProxy(value: string | undefined): boolean | number | string {
  const text = nonEmpty(value);
  if (text === null || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function readLogLevel(value: string | undefined): Config['logLevel'] {
  const text = nonEmpty(value) ?? 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === text);
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  return level;
}
