/**
 * @module Who is calling: the admin (bearer token) or a merchant (API key, SPEC §3).
 * Keys are looked up by their SHA-256, an indexed equality match, so no string comparison of
 * secrets happens at all; the admin token is compared in constant time.
 */
import type { Request, RequestHandler, Response } from 'express';
import { HubError } from '../../contract/errors.js';
import { findActiveApiKeyByHash } from '../../db/repositories/api-key.repository.js';
import type { ApiKeyScope } from '../../db/tables/api-key.table.js';
import type { HubServices } from '../../hub-services.js';
import { constantTimeEqual, sha256Hex } from '../../lib/hashing.js';
import { noteRequestFacts } from '../request-facts.js';

export interface MerchantAuth {
  merchantId: string;
  keyId: string;
  scope: ApiKeyScope;
}

/** The credential of an `Authorization: Bearer <credential>` header, or null. */
export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The key a request presents: `Authorization: Bearer`, `X-Api-Key`, or (postback only) `?api_key=`. */
export function presentedApiKey(req: Request, options: { allowQueryParameter: boolean }): string | null {
  const fromHeader = bearerToken(req) ?? (typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'].trim() : null);
  if (fromHeader) return fromHeader;
  if (!options.allowQueryParameter) return null;
  const fromQuery: unknown = (req.query as Record<string, unknown>).api_key;
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : null;
}

export async function authenticateApiKey(services: HubServices, presented: string | null): Promise<MerchantAuth | null> {
  if (!presented || presented.length > 200) return null;
  const key = await findActiveApiKeyByHash(services.db, sha256Hex(presented));
  return key ? { merchantId: key.merchant_id, keyId: key.id, scope: key.scope } : null;
}

export function unauthorized(): HubError {
  return new HubError('unauthorized', 'missing, invalid or revoked API key; send Authorization: Bearer <key> or X-Api-Key: <key>');
}

export function requireAdmin(services: HubServices): RequestHandler {
  return (req, _res, next) => {
    if (services.adminToken === null) {
      next(new HubError('unauthorized', 'the admin API is disabled: set HUB_ADMIN_TOKEN to enable it'));
      return;
    }
    const token = bearerToken(req);
    if (token === null || !constantTimeEqual(token, services.adminToken)) {
      next(new HubError('unauthorized', 'missing or wrong admin token; send Authorization: Bearer <HUB_ADMIN_TOKEN>'));
      return;
    }
    next();
  };
}

export function setMerchantAuth(res: Response, auth: MerchantAuth): void {
  res.locals.merchantAuth = auth;
  // The request's log line names the merchant it was authenticated as.
  noteRequestFacts(res, { merchantId: auth.merchantId });
}

/** The authenticated merchant of this request; routes mounted behind the API gate always have one. */
export function merchantAuth(res: Response): MerchantAuth {
  const auth = res.locals.merchantAuth as MerchantAuth | undefined;
  if (!auth) throw new Error('route mounted without merchant authentication');
  return auth;
}

export const requireWriteScope: RequestHandler = (_req, res, next) => {
  if (merchantAuth(res).scope !== 'write') {
    next(new HubError('insufficient_permissions', 'this endpoint needs a write key (hub_sk_…); a read key (hub_rk_…) was used'));
    return;
  }
  next();
};
