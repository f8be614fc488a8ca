/**
 * @module Fixed-window rate limiting in process memory.
 *
 * Each key gets `limit` requests per window starting at its first request. Windows live in this
 * process only: several hub processes each allow the limit (documented in the README). Expired
 * windows are swept as new ones open, and at most `maxKeys` windows are kept (the oldest goes when a
 * new key arrives at the cap), so memory stays bounded whatever keys a client makes up.
 */
import type { Clock } from './clock.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends. */
  resetAt: Date;
  /** Whole seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds: number;
}

export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, { startedAt: number; count: number }>();
  #nextSweepAt = 0;

  constructor(options: { limit: number; windowMs: number; clock: Clock; maxKeys?: number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#clock = options.clock;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** How many keys have a window open (for tests of the memory bound). */
  get size(): number {
    return this.#windows.size;
  }

  get limit(): number {
    return this.#limit;
  }

  consume(key: string): RateLimitDecision {
    const now = this.#clock.now().getTime();
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || now >= window.startedAt + this.#windowMs) {
      if (!window && this.#windows.size >= this.#maxKeys) this.#evictOldest();
      window = { startedAt: now, count: 0 };
      this.#windows.delete(key);
      this.#windows.set(key, window);
    }
    const allowed = window.count < this.#limit;
    if (allowed) window.count += 1;
    const resetAtMs = window.startedAt + this.#windowMs;
    return {
      allowed,
      limit: this.#limit,
      remaining: Math.max(0, this.#limit - window.count),
      resetAt: new Date(resetAtMs),
      retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
    };
  }

  /** Maps iterate in insertion order, and a renewed window is re-inserted: the first key is the oldest window. */
  #evictOldest(): void {
    const oldest = this.#windows.keys().next();
    if (!oldest.done) this.#windows.delete(oldest.value);
  }

  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#windowMs;
    for (const [key, window] of this.#windows) {
      if (now >= window.startedAt + this.#windowMs) this.#windows.delete(key);
    }
  }
}
