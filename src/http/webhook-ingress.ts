/**
 * @module `POST /webhooks/:provider/:connectionId` (GoPay also GET), served straight from node:http.
 *
 * This is the one hot path of the hub: every processor delivery lands here and must be acknowledged
 * fast. Express's router, body parser and response helpers cost more CPU per delivery than the
 * verification and the database write together (see BENCHMARKS.md), so this route reads the raw
 * bytes itself and hands them to the adapter and to the database in one statement; 200 only after
 * the commit (SPEC §6). Errors still become HTTP in the one place (`error-handler.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HubError } from '../contract/errors.js';
import type { WebhookDelivery } from '../contract/webhook-delivery.js';
import { ingestDelivery, resolveDeliveryTarget } from '../engine/ingest/ingest-delivery.js';
import type { HubServices } from '../hub-services.js';
import { errorResponse } from './error-handler.js';
import { readRequestBody } from './request-body.js';
import { noteRequestFacts, requestFacts } from './request-facts.js';

const PREFIX = '/webhooks/';
const ROUTE = '/webhooks/:provider/:connectionId';

/** The request's path parts when it is addressed to the webhook route, else null (express takes it). */
export function webhookTarget(url: string | undefined): { provider: string; connectionId: string; search: string } | null {
  if (!url?.startsWith(PREFIX)) return null;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const parts = path.slice(PREFIX.length).split('/');
  if (parts.length === 3 && parts[2] === '') parts.pop(); // a trailing slash, as express's router allows
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  try {
    return { provider: decodeURIComponent(parts[0]), connectionId: decodeURIComponent(parts[1]), search: queryAt === -1 ? '' : url.slice(queryAt + 1) };
  } catch {
    return null; // malformed percent-encoding: express answers it like any unknown path
  }
}

export function createWebhookIngress(services: HubServices) {
  return (req: IncomingMessage, res: ServerResponse, target: { provider: string; connectionId: string; search: string }): void => {
    const adapter = Object.hasOwn(services.adapters, target.provider) ? services.adapters[target.provider as keyof typeof services.adapters] : undefined;
    // Unknown providers share one label, so random paths cannot grow the metric without bound.
    const providerLabel = adapter ? adapter.id : 'unknown';
    const method = req.method === 'POST' ? 'POST' : req.method === 'GET' && adapter?.acceptsGet ? 'GET' : null;
    res.on('finish', () => services.metrics.httpRequests.inc({ method: req.method ?? '', route: ROUTE, status: String(res.statusCode) }));
    noteRequestFacts(res, { route: ROUTE });

    const fail = (error: unknown) => {
      // The route pattern, never the URL: its query may carry a connection's token.
      const hubError = errorResponse(res, error, services.logger, { method: req.method ?? '', path: ROUTE });
      services.metrics.webhookDeliveries.inc({ provider: providerLabel, outcome: hubError.code });
    };
    if (!method) {
      fail(new HubError('not_found', `no route for ${req.method ?? ''} ${ROUTE}`));
      return;
    }
    const request: Pick<WebhookDelivery, 'headers' | 'query' | 'method'> = { headers: flattenHeaders(req, requestFacts(res).requestId), query: firstQueryValues(target.search), method };
    // The connection (and a URL token) first: an unknown connection costs no body read.
    resolveDeliveryTarget(services, { provider: target.provider, connectionId: target.connectionId, request }).then(async (destination) => {
      noteRequestFacts(res, { merchantId: destination.connection.context.merchantId });
      const rawBody = await readRequestBody(req);
      const delivery: WebhookDelivery = { ...request, rawBody, receivedAt: services.clock.now() };
      const result = await ingestDelivery(services, destination, delivery);
      services.metrics.webhookDeliveries.inc({ provider: providerLabel, outcome: result.kind === 'ping' ? 'ping' : result.duplicate ? 'duplicate' : 'stored' });
      if (result.kind === 'stored') services.processor.wake();
      sendJson(res, result.kind === 'ping' ? { received: true } : result.duplicate ? { received: true, eventId: result.eventId, duplicate: true } : { received: true, eventId: result.eventId });
    }).catch(fail);
  };
}

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Headers as adapters see them: names lowercased (node already does), repeated ones joined with ", ".
 * `x-request-id` is the id this request is logged under (request-log.ts), so the stored event names
 * the request that brought it and its processing line can say so.
 */
function flattenHeaders(req: IncomingMessage, requestId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (requestId) headers['x-request-id'] = requestId;
  return headers;
}

function firstQueryValues(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search === '') return query;
  for (const [name, value] of new URLSearchParams(search)) if (!(name in query)) query[name] = value;
  return query;
}
