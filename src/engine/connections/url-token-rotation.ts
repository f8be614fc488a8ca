/**
 * @module URL tokens (SPEC §6, Gumroad): the secret in a webhook URL of a processor that signs
 * nothing. A rotation gives the connection a new token and keeps the replaced one working for a
 * grace period, long enough to paste the new URL into the processor and for the pings already
 * addressed to the old URL (Gumroad retries a failed ping hourly for 3 h) to land.
 */
import { randomBase62 } from '../../lib/ids.js';
import type { RetiredSecret, SealedCredentials } from './connection-directory.js';

/** 24 h: a working day to update the processor's settings, and eight times Gumroad's retry window. */
export const URL_TOKEN_GRACE_PERIOD_MS = 24 * 60 * 60 * 1000;

/** As many characters as an API key's `prefix` shows of its random part: enough to tell tokens apart, 24 of 190 bits. */
const DISPLAY_PREFIX_LENGTH = 4;

/** Replaced tokens kept at most, so repeated rotations cannot grow the sealed credentials without bound. */
const MAX_RETIRED_TOKENS = 5;

/** 32 base62 characters: 190 bits, as API keys. */
export function newUrlToken(): string {
  return randomBase62(32);
}

/** What the API shows of a token once it has been handed out. */
export function urlTokenPrefix(token: string): string {
  return token.slice(0, DISPLAY_PREFIX_LENGTH);
}

function stillValid(retired: RetiredSecret, now: Date): boolean {
  return Date.parse(retired.validUntil) > now.getTime();
}

/** The tokens a delivery may present at `now`: the current ones, then the replaced ones still in their grace period. */
export function acceptedSecrets(credentials: SealedCredentials, now: Date): string[] {
  const retired = (credentials.retiredSecrets ?? []).filter((entry) => stillValid(entry, now)).map((entry) => entry.secret);
  return [...credentials.secrets, ...retired];
}

/** When the last replaced token stops being accepted; null when none is accepted any more. */
export function previousTokenValidUntil(credentials: SealedCredentials, now: Date): Date | null {
  const ends = (credentials.retiredSecrets ?? []).filter((entry) => stillValid(entry, now)).map((entry) => Date.parse(entry.validUntil));
  return ends.length === 0 ? null : new Date(Math.max(...ends));
}

/**
 * The credentials after `newToken` replaces the current token. The grace period bounds every
 * replaced token, older ones included: a rotation with 0 (a leaked token) ends them all at once.
 */
export function rotateUrlToken(credentials: SealedCredentials, newToken: string, now: Date, gracePeriodMs: number): SealedCredentials {
  const graceEnd = now.getTime() + gracePeriodMs;
  const justReplaced = credentials.secrets.map((secret) => ({ secret, validUntil: new Date(graceEnd).toISOString() }));
  const replacedBefore = (credentials.retiredSecrets ?? []).map((entry) => ({
    secret: entry.secret,
    validUntil: new Date(Math.min(Date.parse(entry.validUntil), graceEnd)).toISOString(),
  }));
  const retiredSecrets = [...justReplaced, ...replacedBefore].filter((entry) => stillValid(entry, now)).slice(0, MAX_RETIRED_TOKENS);
  return { ...credentials, secrets: [newToken], retiredSecrets };
}
