/** URL-token rotation as a pure function of the sealed credentials and the time. */
import { describe, expect, it } from 'vitest';
import type { SealedCredentials } from '../../src/engine/connections/connection-directory.js';
import { acceptedSecrets, previousTokenValidUntil, rotateUrlToken, URL_TOKEN_GRACE_PERIOD_MS } from '../../src/engine/connections/url-token-rotation.js';

const T0 = new Date('2026-03-10T12:00:00.000Z');
const at = (milliseconds: number) => new Date(T0.getTime() + milliseconds);
const HOUR_MS = 60 * 60 * 1000;

describe('URL-token rotation', () => {
  const initial: SealedCredentials = { secrets: ['token-a'], secretOptions: { accessToken: 'kept' } };

  it('accepts the replaced token until the grace period ends, not at its end, and keeps the secret options', () => {
    const rotated = rotateUrlToken(initial, 'token-b', T0, URL_TOKEN_GRACE_PERIOD_MS);
    expect(URL_TOKEN_GRACE_PERIOD_MS).toBe(24 * HOUR_MS);
    expect(rotated).toEqual({ secrets: ['token-b'], secretOptions: { accessToken: 'kept' }, retiredSecrets: [{ secret: 'token-a', validUntil: at(24 * HOUR_MS).toISOString() }] });
    expect(acceptedSecrets(rotated, at(24 * HOUR_MS - 1))).toEqual(['token-b', 'token-a']);
    expect(acceptedSecrets(rotated, at(24 * HOUR_MS))).toEqual(['token-b']);
    expect(previousTokenValidUntil(rotated, T0)).toEqual(at(24 * HOUR_MS));
    expect(previousTokenValidUntil(rotated, at(24 * HOUR_MS))).toBeNull();
  });

  it('accepts the current secrets alone when the credentials were sealed before rotation existed', () => {
    expect(acceptedSecrets(initial, T0)).toEqual(['token-a']);
    expect(previousTokenValidUntil(initial, T0)).toBeNull();
  });

  it('bounds older replaced tokens by the new grace period, and forgets them once ended', () => {
    const twice = rotateUrlToken(rotateUrlToken(initial, 'token-b', T0, URL_TOKEN_GRACE_PERIOD_MS), 'token-c', at(HOUR_MS), 2 * HOUR_MS);
    expect(twice.retiredSecrets).toEqual([
      { secret: 'token-b', validUntil: at(3 * HOUR_MS).toISOString() },
      { secret: 'token-a', validUntil: at(3 * HOUR_MS).toISOString() },
    ]);
    const leaked = rotateUrlToken(twice, 'token-d', at(2 * HOUR_MS), 0);
    expect(leaked.retiredSecrets).toEqual([]);
    expect(acceptedSecrets(leaked, at(2 * HOUR_MS))).toEqual(['token-d']);
  });

  it('keeps the five most recently replaced tokens at most', () => {
    let credentials = initial;
    for (let rotation = 1; rotation <= 8; rotation += 1) credentials = rotateUrlToken(credentials, `token-${rotation}`, at(rotation * 1000), URL_TOKEN_GRACE_PERIOD_MS);
    expect(credentials.retiredSecrets?.map((entry) => entry.secret)).toEqual(['token-7', 'token-6', 'token-5', 'token-4', 'token-3']);
  });
});
