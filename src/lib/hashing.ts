/** @module Hashes for secrets and personal data, and constant-time comparison. */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Derives a purpose-specific 32-byte key from the deployment's master secret (HKDF-SHA256). */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `conversion-hub:${purpose}`, 32));
}

/**
 * Keyed hash of personal data (emails, customer ids). A plain SHA-256 of an email can be reversed
 * with a dictionary; an HMAC under a per-deployment key cannot. Emails are trimmed and lowercased first.
 */
export function hashPersonalData(piiKey: Buffer, value: string): string {
  return createHmac('sha256', piiKey).update(value.trim().toLowerCase(), 'utf8').digest('hex');
}

/** Constant-time equality of two strings of possibly different length. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length inputs, so neither the content nor the length leaks through timing.
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
