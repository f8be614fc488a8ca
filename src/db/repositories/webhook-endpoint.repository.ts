/** @module Webhook endpoint rows. */
import type { Executor } from '../database.js';
import type { NewWebhookEndpoint, WebhookEndpoint, WebhookEndpointUpdate } from '../tables/webhook-endpoint.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

export async function insertWebhookEndpoint(db: Executor, endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
  return db.insertInto('webhook_endpoint').values(endpoint).returningAll().executeTakeFirstOrThrow();
}

export async function findWebhookEndpoint(db: Executor, merchantId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
  return db.selectFrom('webhook_endpoint').selectAll()
    .where('merchant_id', '=', merchantId).where('id', '=', endpointId).where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function listWebhookEndpoints(db: Executor, merchantId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
  const query = db.selectFrom('webhook_endpoint').where('merchant_id', '=', merchantId).where('deleted_at', 'is', null);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export async function updateWebhookEndpoint(db: Executor, merchantId: string, endpointId: string, changes: WebhookEndpointUpdate): Promise<WebhookEndpoint | undefined> {
  return db.updateTable('webhook_endpoint').set(changes)
    .where('merchant_id', '=', merchantId).where('id', '=', endpointId).where('deleted_at', 'is', null)
    .returningAll().executeTakeFirst();
}
