/** @module Keys the hub made for itself, sealed under the master key (`hub_secret`). */
import type { Executor } from '../database.js';
import type { HubSecret } from '../tables/hub-secret.table.js';

export async function findHubSecret(db: Executor, name: string): Promise<HubSecret | undefined> {
  return db.selectFrom('hub_secret').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Stores the secret unless another process stored one first; returns the one that is stored. */
export async function insertHubSecretOnce(db: Executor, name: string, sealed: string): Promise<HubSecret> {
  await db.insertInto('hub_secret').values({ name, sealed }).onConflict((conflict) => conflict.column('name').doNothing()).execute();
  const stored = await findHubSecret(db, name);
  if (!stored) throw new Error(`hub secret ${name} was stored but cannot be read back`);
  return stored;
}

export async function listHubSecrets(db: Executor): Promise<HubSecret[]> {
  return db.selectFrom('hub_secret').selectAll().orderBy('name').execute();
}

/** Replaces a sealed value, unless it changed since it was read (another process re-sealed it). */
export async function resealHubSecret(db: Executor, name: string, from: string, to: string): Promise<void> {
  await db.updateTable('hub_secret').set({ sealed: to }).where('name', '=', name).where('sealed', '=', from).execute();
}
