/** @module `/api/v1/webhook-endpoints` (SPEC §11): where conversion events go, and how delivery went. */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contract/errors.js';
import { failPendingDeliveries, listDeliveries } from '../../db/repositories/outbound.repository.js';
import { findWebhookEndpoint, insertWebhookEndpoint, listWebhookEndpoints, updateWebhookEndpoint } from '../../db/repositories/webhook-endpoint.repository.js';
import type { WebhookEndpointUpdate } from '../../db/tables/webhook-endpoint.table.js';
import { OUTBOUND_EVENT_TYPES } from '../../engine/outbound/conversion-events.js';
import type { HubServices } from '../../hub-services.js';
import { newId } from '../../lib/ids.js';
import { checkOutboundUrl } from '../../lib/network-guard.js';
import { sealText } from '../../lib/secret-box.js';
import { generateWebhookSecret } from '../../lib/standard-webhooks.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentDelivery, presentWebhookEndpoint } from '../presenters/webhook-endpoint.presenter.js';
import { sendData, sendList } from '../responses.js';
import { pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

const urlField = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048);
const eventsField = z.array(z.enum(OUTBOUND_EVENT_TYPES as [string, ...string[]], { error: `must be among ${OUTBOUND_EVENT_TYPES.join(', ')}` }))
  .min(1, 'needs at least one event type')
  .transform((events) => [...new Set(events)]);

export const createBody = z.strictObject({ url: urlField, events: eventsField });
export const updateBody = z.strictObject({ url: urlField.optional(), events: eventsField.optional(), status: z.enum(['enabled', 'disabled']).optional() });
export const listQuery = z.strictObject({ ...pageQueryFields });

export function webhookEndpointRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock, encryptionKey, config } = services;

  const checkUrl = async (url: string) => {
    // Webhook bodies are signed and carry no credential: plain http is allowed to public receivers (SPEC §11).
    const check = await checkOutboundUrl(url, { allowPrivateNetwork: config.allowPrivateNetwork, allowPlainHttp: true });
    if (!check.ok) throw new ValidationError(`url ${check.message}`, [{ field: 'url', message: check.message }]);
  };

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    await checkUrl(body.url);
    const id = newId('we');
    const secret = generateWebhookSecret();
    const now = clock.now();
    const endpoint = await insertWebhookEndpoint(db, {
      merchant_id: merchantAuth(res).merchantId, id, url: body.url, events: JSON.stringify(body.events),
      sealed_secret: sealText(encryptionKey, secret, id), status: 'enabled', disabled_reason: null, created_at: now, updated_at: now, deleted_at: null,
    });
    // The secret is shown this once; the hub keeps it sealed to sign deliveries.
    sendData(res, 201, { ...presentWebhookEndpoint(endpoint), secret });
  });

  router.get('/', async (req, res) => {
    const page = pageRequest(parseOrThrow(listQuery, req.query, 'query'));
    const { rows, total } = await listWebhookEndpoints(db, merchantAuth(res).merchantId, page);
    sendList(res, rows.map(presentWebhookEndpoint), page, total);
  });

  router.get('/:endpointId', async (req, res) => {
    const endpoint = await findWebhookEndpoint(db, merchantAuth(res).merchantId, req.params.endpointId);
    if (!endpoint) throw new NotFoundError('webhook endpoint');
    sendData(res, 200, presentWebhookEndpoint(endpoint));
  });

  router.patch('/:endpointId', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(updateBody, req.body);
    const { merchantId } = merchantAuth(res);
    const endpointId = pathParameter(req, 'endpointId');
    if (!(await findWebhookEndpoint(db, merchantId, endpointId))) throw new NotFoundError('webhook endpoint');
    if (body.url !== undefined) await checkUrl(body.url);
    const changes: WebhookEndpointUpdate = { updated_at: clock.now() };
    if (body.url !== undefined) changes.url = body.url;
    if (body.events !== undefined) changes.events = JSON.stringify(body.events);
    if (body.status !== undefined) {
      changes.status = body.status;
      changes.disabled_reason = body.status === 'disabled' ? 'disabled by the merchant' : null;
    }
    const updated = await updateWebhookEndpoint(db, merchantId, endpointId, changes);
    if (!updated) throw new NotFoundError('webhook endpoint');
    sendData(res, 200, presentWebhookEndpoint(updated));
  });

  router.delete('/:endpointId', requireWriteScope, async (req, res) => {
    const { merchantId } = merchantAuth(res);
    const endpointId = pathParameter(req, 'endpointId');
    const now = clock.now();
    const deleted = await db.transaction().execute(async (trx) => {
      const row = await updateWebhookEndpoint(trx, merchantId, endpointId, { deleted_at: now, updated_at: now });
      if (row) await failPendingDeliveries(trx, merchantId, endpointId, 'endpoint deleted', now);
      return row;
    });
    if (!deleted) throw new NotFoundError('webhook endpoint');
    res.status(204).end();
  });

  router.get('/:endpointId/deliveries', async (req, res) => {
    const page = pageRequest(parseOrThrow(listQuery, req.query, 'query'));
    const { merchantId } = merchantAuth(res);
    const endpoint = await findWebhookEndpoint(db, merchantId, req.params.endpointId);
    if (!endpoint) throw new NotFoundError('webhook endpoint');
    const { rows, total } = await listDeliveries(db, merchantId, endpoint.id, page);
    sendList(res, rows.map(presentDelivery), page, total);
  });

  return router;
}
