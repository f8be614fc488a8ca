/**
 * @module GoPay OAuth2 tokens, kept per connection until shortly before they expire. GoPay's SDK
 * README: "Access token expires after 30 minutes so it's expensive to use new token for every
 * request". Concurrent requests for the same connection share one token request, and a change of
 * credentials or gateway (a PATCHed connection) is never served a token issued for the old ones.
 */
import type { Clock } from '../../src/lib/clock.js';
import { sha256Hex } from '../../src/lib/hashing.js';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

interface CachedToken {
  accessToken: string;
  fingerprint: string;
  /** When to stop using it (epoch ms on the adapter's clock). */
  refreshAt: number;
}

/** Renew this long before GoPay's expiry, so a token never dies between fetching and using it. */
const RENEW_BEFORE_MS = 60_000;

export class GoPayTokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<string>>();

  /** A fingerprint of everything a token is valid for; the secret itself is not kept in the cache key. */
  static fingerprint(apiBase: string, clientId: string, clientSecret: string): string {
    return sha256Hex(`${apiBase}\n${clientId}\n${clientSecret}`);
  }

  /** The connection's token, from the cache or from `issue()` (one request however many callers wait). */
  async token(clock: Clock, connectionId: string, fingerprint: string, issue: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.#tokens.get(connectionId);
    if (cached && cached.fingerprint === fingerprint && cached.refreshAt > clock.now().getTime()) return cached.accessToken;
    const pendingKey = `${connectionId}\n${fingerprint}`;
    const pending = this.#pending.get(pendingKey);
    if (pending) return pending;
    const request = (async () => {
      const issued = await issue();
      const lifetimeMs = issued.expiresInSeconds * 1000;
      const usableMs = lifetimeMs > 2 * RENEW_BEFORE_MS ? lifetimeMs - RENEW_BEFORE_MS : lifetimeMs / 2;
      this.#tokens.set(connectionId, { accessToken: issued.accessToken, fingerprint, refreshAt: clock.now().getTime() + usableMs });
      return issued.accessToken;
    })().finally(() => this.#pending.delete(pendingKey));
    this.#pending.set(pendingKey, request);
    return request;
  }

  /** GoPay refused this token (revoked early): the next call fetches a new one. */
  forget(connectionId: string, accessToken: string): void {
    if (this.#tokens.get(connectionId)?.accessToken === accessToken) this.#tokens.delete(connectionId);
  }
}
