/**
 * @module Connections with their secrets opened, cached briefly in memory so the webhook hot path
 * costs one database round-trip (the insert), not two. Changes made through this process's API
 * invalidate at once; other processes see them within the TTL.
 */
import type { Kysely } from 'kysely';
import type { ConnectionContext, ConnectionMode } from '../contract/webhook-delivery.js';
import { isProviderId } from '../contract/providers.js';
import type { Database } from '../db/database.js';
import { findConnectionById } from '../db/repositories/connection.repository.js';
import type { Connection } from '../db/tables/connection.table.js';
import { openSecret, sealSecret } from '../lib/secret-box.js';

export interface ResolvedConnection {
  context: ConnectionContext;
  campaignId: string;
  deleted: boolean;
}

interface SealedCredentials {
  secrets: string[];
  secretOptions: Record<string, unknown>;
}

export function sealCredentials(key: Buffer, connectionId: string, credentials: SealedCredentials): string {
  return sealSecret(key, JSON.stringify(credentials), connectionId);
}

export function openCredentials(key: Buffer, connection: Pick<Connection, 'id' | 'sealed_credentials'>): SealedCredentials {
  return JSON.parse(openSecret(key, connection.sealed_credentials, connection.id)) as SealedCredentials;
}

export function toConnectionContext(key: Buffer, connection: Connection): ResolvedConnection {
  if (!isProviderId(connection.provider)) throw new Error(`connection ${connection.id} has unknown provider ${connection.provider}`);
  const credentials = openCredentials(key, connection);
  return {
    context: Object.freeze({
      id: connection.id,
      merchantId: connection.merchant_id,
      provider: connection.provider,
      mode: connection.mode satisfies ConnectionMode,
      secrets: Object.freeze([...credentials.secrets]),
      options: Object.freeze({ ...connection.public_options, ...credentials.secretOptions }),
    }),
    campaignId: connection.campaign_id,
    deleted: connection.deleted_at !== null,
  };
}

export class ConnectionDirectory {
  readonly #db: Kysely<Database>;
  readonly #key: Buffer;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { value: ResolvedConnection | null; expiresAt: number }>();

  constructor(options: { db: Kysely<Database>; encryptionKey: Buffer; ttlMs?: number }) {
    this.#db = options.db;
    this.#key = options.encryptionKey;
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
    if (cached && cached.expiresAt > now) return cached.value;
    const row = await findConnectionById(this.#db, connectionId);
    const value = row ? toConnectionContext(this.#key, row) : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(connectionId, { value, expiresAt: now + this.#ttlMs });
    return value;
  }

  invalidate(connectionId: string): void {
    this.#cache.delete(connectionId);
  }
}
