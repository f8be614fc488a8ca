/**
 * @module The one place where errors become HTTP responses: a SPEC §2 envelope, never a stack trace.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HubError, UnavailableError, ValidationError, type ErrorCode } from '../contract/errors.js';
import { isDatabaseUnavailable, isUnstorableText } from '../db/database-errors.js';
import { UNSTORABLE_TEXT_MESSAGE } from './middleware/refuse-unstorable-text.js';
import type { Logger } from '../lib/logger.js';
import { requestFacts } from './request-facts.js';

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_signature: 400,
  affiliate_not_approved: 400,
  unauthorized: 401,
  insufficient_permissions: 403,
  earnings_limit_reached: 403,
  not_found: 404,
  duplicate: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit_exceeded: 429,
  internal: 500,
  unavailable: 503,
};

export function toHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  // express's router could not percent-decode a path segment (`/r/%E0%A4%A`): the client's mistake.
  if (error instanceof URIError) return new ValidationError('the path is not validly percent-encoded', [{ field: 'path', message: 'malformed percent-encoding' }]);
  if (isDatabaseUnavailable(error)) return new UnavailableError(undefined, { cause: error });
  // Input the checks at the edge did not see (e.g. a webhook's query string) but the database refused.
  if (isUnstorableText(error)) return new ValidationError(`the request holds text that cannot be stored: it ${UNSTORABLE_TEXT_MESSAGE}`);
  return new HubError('internal', 'internal error', { cause: error });
}

export function errorBody(error: HubError): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: error.message, ...error.extra } };
}

/**
 * Answers with the error envelope and returns what the error became. Shared by the express app and
 * the webhook ingress (plain node:http), so both map errors the same way.
 */
export function errorResponse(res: ServerResponse, error: unknown, logger: Logger, request: { method: string; path: string }): HubError {
  const hubError = toHubError(error);
  const status = STATUS_BY_CODE[hubError.code];
  // The request id ties this line to the request's own line (request-log.ts), which has its route and status.
  const { requestId } = requestFacts(res);
  if (hubError.code === 'internal') {
    logger.error('request failed', { requestId, ...request, code: hubError.code, error: error instanceof Error ? error : String(error) });
  } else if (status >= 500) {
    // The database is away: expected during an outage, and answered 503 so the caller retries.
    logger.warn('request answered unavailable', { requestId, ...request, code: hubError.code, error: hubError.cause instanceof Error ? hubError.cause : String(hubError.cause) });
  }
  if (res.headersSent) return hubError;
  const body = JSON.stringify(errorBody(hubError));
  res.statusCode = status;
  if (hubError.code === 'unavailable') res.setHeader('Retry-After', '5');
  // A body refused (too large, unauthenticated, …) is not read to its end: the connection closes
  // after the answer instead of draining whatever the client still sends.
  if (!res.req.complete) res.setHeader('Connection', 'close');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
  return hubError;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    errorResponse(res, error, logger, { method: req.method, path: req.path });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HubError('not_found', `no route for ${req.method} ${req.path}`));
};
