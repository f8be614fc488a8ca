/**
 * @module JSON request bodies: 1 MiB at most (413), `application/json` only (415), malformed JSON
 * is a 400, and so is a body holding the NUL character. Requests without a body pass through with
 * `req.body` undefined.
 */
import express, { type RequestHandler } from 'express';
import { HubError } from '../../contract/errors.js';
import { refuseNulInBody } from './refuse-nul.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export function hasBody(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function jsonBody(options: { alsoAcceptForm?: boolean } = {}): RequestHandler {
  const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });
  const parseForm = express.urlencoded({ limit: MAX_BODY_BYTES, extended: false, type: () => true });
  return (req, res, nextHandler) => {
    // A parsed body is checked for text PostgreSQL cannot store before any handler sees it.
    const next = (error?: unknown) => nextHandler(error ?? refuseNulInBody(req.body) ?? undefined);
    if (!hasBody(req)) {
      req.body = undefined;
      next();
      return;
    }
    if (req.is(['application/json', 'application/*+json'])) {
      parseJson(req, res, next);
      return;
    }
    if (options.alsoAcceptForm && req.is('application/x-www-form-urlencoded')) {
      parseForm(req, res, next);
      return;
    }
    const accepted = options.alsoAcceptForm ? 'application/json or application/x-www-form-urlencoded' : 'application/json';
    next(new HubError('unsupported_media_type', `Content-Type must be ${accepted}, got ${req.headers['content-type'] ?? 'none'}`));
  };
}
