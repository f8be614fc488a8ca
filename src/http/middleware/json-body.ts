/**
 * @module Request bodies of the API and the postback: `application/json` (and, where allowed, a
 * form), read by the shared bounded reader (1 MiB, refused while streaming), UTF-8 only, JSON at
 * most 64 levels deep, no text PostgreSQL cannot store. Mounted after authentication and rate
 * limiting, so nobody gets a body read without a key. Requests without a body pass through with
 * `req.body` undefined.
 */
import { parse as parseQueryString } from 'node:querystring';
import type { Request, RequestHandler } from 'express';
import { HubError, ValidationError } from '../../contract/errors.js';
import { MAX_JSON_DEPTH, safeParseJson } from '../../lib/safe-parse-json.js';
import { declaresBody, readRequestBody, utf8Text } from '../request-body.js';
import { refuseUnstorableTextInBody } from './refuse-unstorable-text.js';

function parseJsonText(text: string): unknown {
  const parsed = safeParseJson(text, MAX_JSON_DEPTH);
  if (!parsed.success) throw new ValidationError(`request body is not valid JSON: ${parsed.error}`, [{ field: 'body', message: parsed.error }]);
  return parsed.value;
}

function parseFormText(text: string): Record<string, unknown> {
  // A plain object: querystring's result has no prototype, which zod and the spread operator handle alike.
  return { ...parseQueryString(text) };
}

/** Only UTF-8 (or no charset) is accepted: the hub never guesses an encoding. */
function refuseOtherCharsets(req: Request): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HubError('unsupported_media_type', `unsupported charset "${charset}"; send UTF-8`);
  }
}

export function jsonBody(options: { alsoAcceptForm?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    if (!declaresBody(req)) {
      req.body = undefined;
      next();
      return;
    }
    const kind = req.is(['application/json', 'application/*+json']) ? 'json'
      : options.alsoAcceptForm && req.is('application/x-www-form-urlencoded') ? 'form' : null;
    if (!kind) {
      const accepted = options.alsoAcceptForm ? 'application/json or application/x-www-form-urlencoded' : 'application/json';
      throw new HubError('unsupported_media_type', `Content-Type must be ${accepted}, got ${req.headers['content-type'] ?? 'none'}`);
    }
    refuseOtherCharsets(req);
    const text = utf8Text(await readRequestBody(req));
    const body = kind === 'json' ? parseJsonText(text) : parseFormText(text);
    const unstorable = refuseUnstorableTextInBody(body);
    if (unstorable) throw unstorable;
    req.body = body;
    next();
  };
}
