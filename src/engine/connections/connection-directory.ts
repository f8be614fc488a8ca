/**
 * @module Connections with their secrets opened, cached briefly in memory so the webhook hot path
 * costs one database round-trip (the insert), not two. Changes made through this process's API
 * invalidate at once; other processes see them within the TTL. A URL token replaced by a rotation
 * is accepted until its grace period ends by the clock, whatever the cache holds.
 */
import type { Kysely } from 'kysely';
import type { ConnectionContext, ConnectionMode } from '../../contract/webhook-delivery.js';
import { isProviderId } from '../../contract/providers.js';
import type { Database } from '../../db/database.js';
import { findConnectionById } from '../../db/repositories/connection.repository.js';
import type { Connection } from '../../db/tables/connection.table.js';
import type { Clock } from '../../lib/clock.js';
import { openText, sealText, type SealingKeys } from '../../lib/secret-box.js';
import { acceptedSecrets } from './url-token-rotation.js';

export interface ResolvedConnection {
  context: ConnectionContext;
  campaignId: string;
  deleted: boolean;
}

/** A URL token replaced by a rotation, still accepted until `validUntil` (ISO 8601). */
export interface RetiredSecret {
  secret: string;
  validUntil: string;
}

export interface SealedCredentials {
  secrets: string[];
  secretOptions: Record<string, unknown>;
  /** Sealed with the current secrets, as secret as they are; absent on connections never rotated. */
  retiredSecrets?: RetiredSecret[];
}

export function sealCredentials(keys: SealingKeys, connectionId: string, credentials: SealedCredentials): string {
  return sealText(keys, JSON.stringify(credentials), connectionId);
}

export function openCredentials(keys: SealingKeys, connection: Pick<Connection, 'id' | 'sealed_credentials'>): SealedCredentials {
  return JSON.parse(openText(keys, connection.sealed_credentials, connection.id)) as SealedCredentials;
}

/** The connection as adapters see it at `now`: its secrets are those accepted at that moment. */
export function toConnectionContext(key: SealingKeys, connection: Connection, now: Date): ResolvedConnection {
  return resolveAt(connection, openCredentials(key, connection), now);
}

function resolveAt(connection: Connection, credentials: SealedCredentials, now: Date): ResolvedConnection {
  if (!isProviderId(connection.provider)) throw new Error(`connection ${connection.id} has unknown provider ${connection.provider}`);
  return {
    context: Object.freeze({
      id: connection.id,
      merchantId: connection.merchant_id,
      provider: connection.provider,
      mode: connection.mode satisfies ConnectionMode,
      secrets: Object.freeze(acceptedSecrets(credentials, now)),
      options: Object.freeze({ ...connection.public_options, ...credentials.secretOptions }),
    }),
    campaignId: connection.campaign_id,
    deleted: connection.deleted_at !== null,
  };
}

/** A row with its credentials opened, and the connection as resolved when it was loaded. */
interface CacheEntry {
  row: Connection;
  credentials: SealedCredentials;
  resolved: ResolvedConnection;
}

export class ConnectionDirectory {
  readonly #db: Kysely<Database>;
  readonly #key: SealingKeys;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { entry: CacheEntry | null; expiresAt: number }>();

  constructor(options: { db: Kysely<Database>; encryptionKey: SealingKeys; clock: Clock; ttlMs?: number }) {
    this.#db = options.db;
    this.#key = options.encryptionKey;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? 5_000;
  }

  /** The live connection, or null when it does not exist or was deleted. */
  async find(connectionId: string): Promise<ResolvedConnection | null> {
    const resolved = await this.#resolve(connectionId);
    return resolved && !resolved.deleted ? resolved : null;
  }

  /** Deleted connections included: their stored events are still processed and replayable. */
  async findForProcessing(connectionId: string): Promise<ResolvedConnection | null> {
    return this.#resolve(connectionId);
  }

  async #resolve(connectionId: string): Promise<ResolvedConnection | null> {
    const now = Date.now();
    const cached = this.#cache.get(connectionId);
    const entry = cached && cached.expiresAt > now ? cached.entry : await this.#load(connectionId, now);
    return entry ? this.#atThisMoment(entry) : null;
  }

  async #load(connectionId: string, now: number): Promise<CacheEntry | null> {
    const row = await findConnectionById(this.#db, connectionId);
    const entry = row ? this.#entryOf(row) : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(connectionId, { entry, expiresAt: now + this.#ttlMs });
    return entry;
  }

  #entryOf(row: Connection): CacheEntry {
    const credentials = openCredentials(this.#key, row);
    return { row, credentials, resolved: resolveAt(row, credentials, this.#clock.now()) };
  }

  /** Without replaced tokens the secrets never change with time, and the hot path reuses one frozen object. */
  #atThisMoment(entry: CacheEntry): ResolvedConnection {
    return entry.credentials.retiredSecrets?.length ? resolveAt(entry.row, entry.credentials, this.#clock.now()) : entry.resolved;
  }

  invalidate(connectionId: string): void {
    this.#cache.delete(connectionId);
  }
}
