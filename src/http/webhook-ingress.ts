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
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HubError } from '../contract/errors.js';
import type { WebhookDelivery } from '../contract/webhook-delivery.js';
import { ingestDelivery } from '../engine/ingest-delivery.js';
import type { HubServices } from '../hub-services.js';
import { errorResponse } from './error-handler.js';
import { MAX_BODY_BYTES } from './middleware/json-body.js';

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

    const fail = (error: unknown) => {
      const hubError = errorResponse(res, error, services.logger, { method: req.method ?? '', path: req.url ?? '' });
      services.metrics.webhookDeliveries.inc({ provider: providerLabel, outcome: hubError.code });
    };
    if (!method) {
      req.resume();
      fail(new HubError('not_found', `no route for ${req.method ?? ''} ${req.url?.split('?')[0] ?? ''}`));
      return;
    }
    readBody(req).then(async (rawBody) => {
      const delivery: WebhookDelivery = {
        rawBody,
        headers: flattenHeaders(req),
        query: firstQueryValues(target.search),
        method,
        receivedAt: services.clock.now(),
      };
      const result = await ingestDelivery(services, { provider: target.provider, connectionId: target.connectionId, delivery });
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

/** Headers as adapters see them: names lowercased (node already does), repeated ones joined with ", ". */
function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function firstQueryValues(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search === '') return query;
  for (const [name, value] of new URLSearchParams(search)) if (!(name in query)) query[name] = value;
  return query;
}

/**
 * The body as bytes, decompressed when the sender compressed it (signatures are over the plain
 * body), at most 1 MiB after decompression. Too large is a 413; a body cut short or an unknown
 * encoding is refused before anything is verified or stored.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge(req));
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  let source: Readable;
  switch (encoding) {
    case 'identity':
      source = req;
      break;
    case 'gzip':
    case 'x-gzip':
      source = req.pipe(createGunzip());
      break;
    case 'deflate':
      source = req.pipe(createInflate());
      break;
    case 'br':
      source = req.pipe(createBrotliDecompress());
      break;
    default:
      req.resume();
      return Promise.reject(new HubError('unsupported_media_type', `unsupported content encoding "${encoding}"`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    source.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        if (source !== req) source.destroy();
        settle(() => reject(tooLarge(req)));
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => settle(() => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, length))));
    source.on('error', () => settle(() => reject(new HubError('invalid_request', 'request body could not be read (cut short or not validly encoded)'))));
    req.on('aborted', () => settle(() => reject(new HubError('invalid_request', 'request body was cut short'))));
  });
}

/** Refuses an oversized body without reading the rest of it: the connection closes after the answer. */
function tooLarge(req: IncomingMessage): HubError {
  req.unpipe();
  req.resume();
  return new HubError('payload_too_large', 'request body is larger than 1 MiB');
}
