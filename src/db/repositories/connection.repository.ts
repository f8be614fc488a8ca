/** @module Connection rows. */
import type { Executor } from '../database.js';
import type { Connection, ConnectionUpdate, NewConnection } from '../tables/connection.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

export async function insertConnection(db: Executor, connection: NewConnection): Promise<Connection> {
  return db.insertInto('connection').values(connection).returningAll().executeTakeFirstOrThrow();
}

/** By id alone: a webhook URL names only the connection. Deleted connections included (callers decide). */
export async function findConnectionById(db: Executor, connectionId: string): Promise<Connection | undefined> {
  return db.selectFrom('connection').selectAll().where('id', '=', connectionId).executeTakeFirst();
}

export async function findConnection(db: Executor, merchantId: string, connectionId: string): Promise<Connection | undefined> {
  return db.selectFrom('connection').selectAll()
    .where('merchant_id', '=', merchantId).where('id', '=', connectionId).where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function listConnections(db: Executor, merchantId: string, filter: { provider?: string | undefined }, page: PageRequest): Promise<Page<Connection>> {
  let query = db.selectFrom('connection').where('merchant_id', '=', merchantId).where('deleted_at', 'is', null);
  if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export async function updateConnection(db: Executor, merchantId: string, connectionId: string, changes: ConnectionUpdate): Promise<Connection | undefined> {
  return db.updateTable('connection').set(changes)
    .where('merchant_id', '=', merchantId).where('id', '=', connectionId).where('deleted_at', 'is', null)
    .returningAll().executeTakeFirst();
}

/**
 * Like `updateConnection`, but only while the sealed credentials are still the ones read: a
 * read-modify-write of the credentials (a token rotation, a PATCH) cannot undo a concurrent one.
 * Undefined when they changed (or the connection is gone); the caller reads again.
 */
export async function updateConnectionIfCredentialsUnchanged(
  db: Executor, merchantId: string, connectionId: string, sealedCredentialsRead: string, changes: ConnectionUpdate,
): Promise<Connection | undefined> {
  return db.updateTable('connection').set(changes)
    .where('merchant_id', '=', merchantId).where('id', '=', connectionId).where('deleted_at', 'is', null)
    .where('sealed_credentials', '=', sealedCredentialsRead)
    .returningAll().executeTakeFirst();
}
