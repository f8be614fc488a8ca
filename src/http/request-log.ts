/**
 * @module One log line per request, at info, written when the response is finished (or
 * the client went away): request id, method, route pattern, status, duration and, once
 * authenticated, the merchant. Never the URL, headers or body: the line is built from named facts
 * only, and still passes through the redaction layer like every other line.
 *
 * The request id is the caller's `X-Request-Id` when it is a sane one (so a proxy's or a processor's
 * id follows the request through), else a new UUID; it is echoed in the response's `X-Request-Id`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubLogger } from '../lib/logger.js';
import { noteRequestFacts, requestFacts } from './request-facts.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** Short and plain, so an incoming id can neither bloat a log line nor smuggle anything into it. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  noteRequestFacts(res, { requestId });
  return requestId;
}

/**
 * Starts the request's log line; call first, before anything can answer. `routeOf` names the
 * express route the request matched, read when the response is finished.
 *
 * Written here rather than with pino-http: pino-http makes two child loggers per request, one of
 * them binding the whole request object, which pino serialises at once — measured at ~16 % of the
 * hub's CPU under webhook load, with no line written at LOG_LEVEL=error. This is one `close`
 * listener and one line, through the same pino instance and its redaction.
 */
export function createRequestLog(logger: HubLogger, routeOf: (req: IncomingMessage) => string): (req: IncomingMessage, res: ServerResponse) => void {
  // Below LOG_LEVEL=info (the benchmark runs at error) the request id is still made and echoed, but no line is built.
  const enabled = logger.pino.isLevelEnabled('info');
  return (req, res) => {
    const started = Date.now();
    const requestId = requestIdFor(req, res);
    if (!enabled) return;
    // `close` follows `finish`, and also comes alone when the client went away first.
    res.once('close', () => {
      const facts = requestFacts(res);
      // Every request at info, 5xx included: the failure itself is logged where it happens, with its cause.
      logger.pino.info({
        requestId,
        method: req.method,
        route: facts.route ?? routeOf(req),
        status: res.statusCode,
        durationMs: Date.now() - started,
        ...(facts.merchantId ? { merchantId: facts.merchantId } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      }, 'request');
    });
  };
}
