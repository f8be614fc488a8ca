import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { RateLimiter } from '../../src/lib/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows the limit per window, then refuses until the window ends', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, clock });
    expect([1, 2, 3].map(() => limiter.consume('k').remaining)).toEqual([2, 1, 0]);
    const refused = limiter.consume('k');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 60 });
    clock.advance(59_500);
    expect(limiter.consume('k')).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(500);
    expect(limiter.consume('k')).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, clock: new ManualClock() });
    expect(limiter.consume('a').allowed).toBe(true);
    expect(limiter.consume('a').allowed).toBe(false);
    expect(limiter.consume('b').allowed).toBe(true);
  });

  it('keeps at most maxKeys windows, letting the oldest go, whatever keys it is sent', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, clock: new ManualClock(), maxKeys: 100 });
    for (let index = 0; index < 10_000; index += 1) limiter.consume(`key-${index}`);
    expect(limiter.size).toBe(100);
    // The newest windows are the ones kept: the last key is still counted, the first starts afresh.
    expect(limiter.consume('key-9999').allowed).toBe(false);
    expect(limiter.consume('key-0').allowed).toBe(true);
  });
});
