/**
 * @module Master key rotation: everything sealed under a retired key (or, for raw deliveries, not
 * sealed at all because it was stored before sealing existed) is sealed again under the current
 * key, a batch at a time. Once nothing is left, the retired key can be removed from
 * `HUB_SECRET_KEY_PREVIOUS`. Each row is replaced only if it is still what was read, so several hub
 * processes re-sealing at once never overwrite a newer value.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { listHubSecrets, resealHubSecret } from '../../db/repositories/hub-secret.repository.js';
import { openText, sealText, sealedTextKeyId, type SealingKeys } from '../../lib/secret-box.js';
import type { HubKeys } from '../connections/hub-keys.js';
import { openPayload, sealPayload } from '../ingest/stored-payload.js';

const isCurrent = (keys: SealingKeys, sealed: string) => sealedTextKeyId(sealed) === keys.current.id;

async function resealConnections(db: Kysely<Database>, keys: SealingKeys, limit: number): Promise<number> {
  const rows = await db.selectFrom('connection').select(['merchant_id', 'id', 'sealed_credentials'])
    .where('sealed_credentials', 'not like', `v2.${keys.current.id}.%`).limit(limit).execute();
  for (const row of rows) {
    const resealed = sealText(keys, openText(keys, row.sealed_credentials, row.id), row.id);
    await db.updateTable('connection').set({ sealed_credentials: resealed })
      .where('merchant_id', '=', row.merchant_id).where('id', '=', row.id).where('sealed_credentials', '=', row.sealed_credentials).execute();
  }
  return rows.length;
}

async function resealEndpoints(db: Kysely<Database>, keys: SealingKeys, limit: number): Promise<number> {
  const rows = await db.selectFrom('webhook_endpoint').select(['merchant_id', 'id', 'sealed_secret'])
    .where('sealed_secret', 'not like', `v2.${keys.current.id}.%`).limit(limit).execute();
  for (const row of rows) {
    const resealed = sealText(keys, openText(keys, row.sealed_secret, row.id), row.id);
    await db.updateTable('webhook_endpoint').set({ sealed_secret: resealed })
      .where('merchant_id', '=', row.merchant_id).where('id', '=', row.id).where('sealed_secret', '=', row.sealed_secret).execute();
  }
  return rows.length;
}

async function resealHubSecrets(db: Kysely<Database>, keys: SealingKeys): Promise<number> {
  const stale = (await listHubSecrets(db)).filter((secret) => !isCurrent(keys, secret.sealed));
  for (const secret of stale) await resealHubSecret(db, secret.name, secret.sealed, sealText(keys, openText(keys, secret.sealed, secret.name), secret.name));
  return stale.length;
}

async function resealPayloads(db: Kysely<Database>, keys: SealingKeys, limit: number): Promise<number> {
  const rows = await db.selectFrom('inbound_event')
    .select(['merchant_id', 'id', 'connection_id', 'provider_event_id', 'raw_body', 'payload_key_id'])
    .where('payload_dropped_at', 'is', null)
    .where((eb) => eb.or([eb('payload_key_id', 'is', null), eb('payload_key_id', '<>', keys.current.id)]))
    .limit(limit).execute();
  for (const row of rows) {
    const sealed = sealPayload(keys, row, openPayload(keys, row));
    await db.updateTable('inbound_event').set(sealed)
      .where('merchant_id', '=', row.merchant_id).where('id', '=', row.id)
      .where(sql<boolean>`raw_body = ${Buffer.from(row.raw_body)}`).execute();
  }
  return rows.length;
}

/** Re-seals up to `limit` values of each kind; returns how many it re-sealed (0 once all is current). */
export async function resealUnderCurrentKeys(db: Kysely<Database>, keys: HubKeys, limit = 200): Promise<number> {
  const counts = await Promise.all([
    resealConnections(db, keys.secrets, limit),
    resealEndpoints(db, keys.secrets, limit),
    resealHubSecrets(db, keys.hubSecrets),
    resealPayloads(db, keys.payloads, limit),
  ]);
  return counts.reduce((sum, count) => sum + count, 0);
}
