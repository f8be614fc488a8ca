/** @module Rate-limit headers and 429s (SPEC §12). */
import type { Response } from 'express';
import { HubError } from '../../contract/errors.js';
import type { RateLimitDecision } from '../../lib/rate-limiter.js';

/** Sets X-RateLimit-* (Reset in Unix seconds) and throws 429 with Retry-After when over the limit. */
export function applyRateLimit(res: Response, decision: RateLimitDecision): void {
  res.setHeader('X-RateLimit-Limit', String(decision.limit));
  res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(decision.resetAt.getTime() / 1000)));
  if (!decision.allowed) {
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    throw new HubError('rate_limit_exceeded', `rate limit of ${decision.limit} requests per minute exceeded; retry in ${decision.retryAfterSeconds} s`,
      { extra: { retryAfter: decision.retryAfterSeconds } });
  }
}
