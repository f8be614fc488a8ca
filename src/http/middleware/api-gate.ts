/**
 * @module The gate in front of every `/api/v1` route: authenticate the key, count the request
 * against its rate limit, and always answer with the rate-limit headers. Requests without a valid
 * key are counted per client IP, so guessing keys is throttled too.
 */
import type { RequestHandler } from 'express';
import type { HubServices } from '../../hub-services.js';
import { applyRateLimit } from './rate-limit.js';
import { authenticateApiKey, presentedApiKey, setMerchantAuth, unauthorized } from './authenticate.js';

export function apiGate(services: HubServices): RequestHandler {
  return async (req, res, next) => {
    const auth = await authenticateApiKey(services, presentedApiKey(req, { allowQueryParameter: false }));
    applyRateLimit(res, services.limiters.api.consume(auth ? `key:${auth.keyId}` : `ip:${req.ip ?? 'unknown'}`));
    if (!auth) throw unauthorized();
    setMerchantAuth(res, auth);
    next();
  };
}
