/**
 * @module `POST /webhooks/:provider/:connectionId` (GoPay also GET): the raw bytes go to the
 * adapter for verification and to the database in one statement; 200 only after the commit (SPEC §6).
 */
import express, { Router, type Request } from 'express';
import { HubError } from '../../contract/errors.js';
import type { WebhookDelivery } from '../../contract/webhook-delivery.js';
import { ingestDelivery } from '../../engine/ingest-delivery.js';
import type { HubServices } from '../../hub-services.js';
import { toHubError } from '../error-handler.js';
import { MAX_BODY_BYTES } from '../middleware/json-body.js';
import { pathParameter } from '../validation.js';

function flattenHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function firstQueryValues(req: Request): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') query[name] = first;
  }
  return query;
}

export function webhookRoutes(services: HubServices): Router {
  const router = Router();
  // Every content type as raw bytes: signatures are over the exact body, and Gumroad posts forms.
  const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

  router.all('/webhooks/:provider/:connectionId', rawBody, async (req, res) => {
    const provider = pathParameter(req, 'provider');
    const method = req.method === 'GET' ? 'GET' : req.method === 'POST' ? 'POST' : null;
    const adapter = services.adapters[provider as keyof typeof services.adapters];
    if (!method || (method === 'GET' && !adapter?.acceptsGet)) {
      throw new HubError('not_found', `no route for ${req.method} ${req.path}`);
    }
    const delivery: WebhookDelivery = {
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      headers: flattenHeaders(req),
      query: firstQueryValues(req),
      method,
      receivedAt: services.clock.now(),
    };
    try {
      const result = await ingestDelivery(services, { provider, connectionId: pathParameter(req, 'connectionId'), delivery });
      services.metrics.webhookDeliveries.inc({ provider, outcome: result.kind === 'ping' ? 'ping' : result.duplicate ? 'duplicate' : 'stored' });
      if (result.kind === 'ping') {
        res.status(200).json({ received: true });
        return;
      }
      services.processor.wake();
      res.status(200).json(result.duplicate ? { received: true, eventId: result.eventId, duplicate: true } : { received: true, eventId: result.eventId });
    } catch (error) {
      services.metrics.webhookDeliveries.inc({ provider, outcome: toHubError(error).code });
      throw error;
    }
  });

  return router;
}
