/** @module API key rows; keys are found by the SHA-256 of the presented key, never by the key. */
import type { Executor } from '../database.js';
import type { ApiKey, NewApiKey } from '../tables/api-key.table.js';

export async function insertApiKey(db: Executor, apiKey: NewApiKey): Promise<ApiKey> {
  return db.insertInto('api_key').values(apiKey).returningAll().executeTakeFirstOrThrow();
}

export async function findActiveApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_key').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function listApiKeys(db: Executor, merchantId: string): Promise<ApiKey[]> {
  return db.selectFrom('api_key').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at').orderBy('id').execute();
}

/** Returns the revoked key, or undefined when no such key exists (revoking twice is harmless). */
export async function revokeApiKey(db: Executor, keyId: string, at: Date): Promise<ApiKey | undefined> {
  const revoked = await db
    .updateTable('api_key')
    .set({ revoked_at: at })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return revoked ?? db.selectFrom('api_key').selectAll().where('id', '=', keyId).executeTakeFirst();
}
