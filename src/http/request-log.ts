/**
 * @module One log line per request, at info, written by pino-http when the response is finished (or
 * the client went away): request id, method, route pattern, status, duration and, once
 * authenticated, the merchant. Never the URL, headers or body: the line is built from named facts
 * only, and still passes through the redaction layer like every other line.
 *
 * The request id is the caller's `X-Request-Id` when it is a sane one (so a proxy's or a processor's
 * id follows the request through), else a new UUID; it is echoed in the response's `X-Request-Id`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
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
 */
export function createRequestLog(logger: HubLogger, routeOf: (req: IncomingMessage) => string): (req: IncomingMessage, res: ServerResponse) => void {
  const line = (req: IncomingMessage, res: ServerResponse, responseTime: number) => {
    const facts = requestFacts(res);
    return {
      method: req.method,
      route: facts.route ?? routeOf(req),
      status: res.statusCode,
      durationMs: responseTime,
      ...(facts.merchantId ? { merchantId: facts.merchantId } : {}),
      // The client went away before the answer was sent.
      ...(res.writableFinished ? {} : { aborted: true }),
    };
  };
  const log = pinoHttp({
    logger: logger.pino,
    genReqId: requestIdFor,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    // No `req`/`res` objects on any line: they carry the URL and headers.
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    // Every request at info, 5xx included: the failure itself is logged where it happens, with its cause.
    customLogLevel: () => 'info',
    // Below LOG_LEVEL=info (the benchmark runs at error) the request id is still made and echoed, but no line is built.
    autoLogging: logger.pino.isLevelEnabled('info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customSuccessObject: (req, res, value: { durationMs: number }) => line(req, res, value.durationMs),
    customErrorObject: (req, res, _error, value: { durationMs: number }) => line(req, res, value.durationMs),
  });
  return (req, res) => log(req, res);
}
