/**
 * @module The hub's keys, derived from its master keys (`HUB_SECRET_KEY` first, then the retired
 * ones of `HUB_SECRET_KEY_PREVIOUS`): one sealing key per purpose, and the key of the keyed hashes
 * of personal data.
 *
 * The hash key is the one key that must never change — a customer's email hashed today must match
 * the same email hashed next year — so it does not follow the master key. It is made once (as the
 * key the first master key derives, so hashes made before this table existed still match), kept
 * sealed in `hub_secret`, and re-sealed like everything else when the master key rotates.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findHubSecret, insertHubSecretOnce } from '../../db/repositories/hub-secret.repository.js';
import { deriveKey } from '../../lib/hashing.js';
import { openText, sealText, sealingKeys, type SealingKeys } from '../../lib/secret-box.js';

export interface HubKeys {
  /** Processor signing secrets and credentials, URL tokens, outbound endpoint secrets. */
  readonly secrets: SealingKeys;
  /** Raw deliveries (`inbound_event.raw_body`). */
  readonly payloads: SealingKeys;
  /** Keys the hub made for itself (`hub_secret`). */
  readonly hubSecrets: SealingKeys;
  /** HMAC key of personal data (emails, customer ids, IPs). */
  readonly piiKey: Buffer;
}

export const PII_HASH_KEY_NAME = 'pii-hash-key';

/** Every key but the stored hash key, from the master keys alone. */
export function sealingKeysOf(masterKeys: readonly Buffer[]): Omit<HubKeys, 'piiKey'> {
  return {
    secrets: sealingKeys(masterKeys, 'provider-secrets'),
    payloads: sealingKeys(masterKeys, 'raw-payloads'),
    hubSecrets: sealingKeys(masterKeys, 'hub-secrets'),
  };
}

/** The keys, with the hash key read from the database (made and stored on the first start). */
export async function loadHubKeys(db: Kysely<Database>, masterKeys: readonly Buffer[]): Promise<HubKeys> {
  const keys = sealingKeysOf(masterKeys);
  const [current] = masterKeys;
  if (!current) throw new Error('at least one master key is needed');
  const stored = await findHubSecret(db, PII_HASH_KEY_NAME)
    ?? await insertHubSecretOnce(db, PII_HASH_KEY_NAME, sealText(keys.hubSecrets, deriveKey(current, 'pii-hash').toString('base64'), PII_HASH_KEY_NAME));
  const piiKey = Buffer.from(openText(keys.hubSecrets, stored.sealed, PII_HASH_KEY_NAME), 'base64');
  return { ...keys, piiKey };
}
