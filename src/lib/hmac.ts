/**
 * @module HMAC-SHA256 signatures compared in constant time against every candidate: every secret
 * (rotation) × every signature in the header (Stripe's several `v1`, Paddle's several `h1`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureEncoding = 'hex' | 'base64';

export function hmacSha256(secret: string, content: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(content).digest();
}

/** Decodes a presented signature; null when it is not valid hex/base64 of a SHA-256 digest. */
function decodeSignature(signature: string, encoding: SignatureEncoding): Buffer | null {
  const text = signature.trim();
  if (encoding === 'hex') return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/**
 * True when any presented signature equals the HMAC of `content` under any secret. All pairs are
 * compared (no early exit), each with timingSafeEqual on equal-length buffers.
 */
export function matchesAnySignature(
  secrets: readonly string[],
  content: Buffer | string,
  presented: readonly string[],
  encoding: SignatureEncoding,
): boolean {
  const candidates = presented.map((signature) => decodeSignature(signature, encoding)).filter((value): value is Buffer => value !== null);
  let matched = false;
  for (const secret of secrets) {
    const expected = hmacSha256(secret, content);
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) matched = true;
    }
  }
  return matched;
}
