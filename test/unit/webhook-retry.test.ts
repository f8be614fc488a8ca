/** The outbound relay's retry arithmetic: the jittered schedule, and `Retry-After` in both of its forms. */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/engine/outbound/deliver-webhook.js';
import { retryDelaySeconds } from '../../src/engine/outbound/webhook-relay.js';

describe('retryDelaySeconds', () => {
  it('spreads each step of the schedule ±20 %, and settles at twelve hours', () => {
    // In milliseconds, as the relay schedules them.
    const ms = (attempts: number, random: number) => Math.round(retryDelaySeconds(attempts, () => random) * 1000);
    expect([0, 0.5, 1].map((random) => ms(1, random))).toEqual([4_000, 5_000, 6_000]);
    expect([0, 0.5, 1].map((random) => ms(2, random))).toEqual([24_000, 30_000, 36_000]);
    expect(ms(9, 0.5)).toBe(43_200_000);
    expect(ms(40, 0)).toBe(34_560_000);
  });

  it('never retries in lockstep: different draws give different delays within the bounds', () => {
    const delays = Array.from({ length: 50 }, () => retryDelaySeconds(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(96);
    expect(Math.max(...delays)).toBeLessThanOrEqual(144);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  it('reads delta-seconds and an HTTP date, and ignores what is neither', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 7 ', now)).toBe(7);
    expect(parseRetryAfter('Tue, 10 Mar 2026 12:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter('Tue, 10 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
