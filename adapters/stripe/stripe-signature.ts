/**
 * @module `Stripe-Signature` verification: `t=…,v1=…[,v1=…]` over `${t}.${rawBody}`, HMAC-SHA256,
 * any v1 under any of the connection's secrets (rotation), every pair compared in constant time, the
 * timestamp within 300 s either way. The HMAC is computed over the exact bytes received: the stripe
 * package's own check decodes the body as text first, which drops a leading byte-order mark and
 * replaces invalid UTF-8, so bytes Stripe never signed would pass it.
 */
import { SignatureVerificationError } from '../../src/contract/errors.js';
import { matchesAnySignature } from '../../src/lib/hmac.js';

export const STRIPE_TOLERANCE_SECONDS = 300;

function parseHeader(header: string): { timestamp: number | null; signatures: string[] } {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1') signatures.push(value);
  }
  return { timestamp, signatures };
}

export function verifyStripeSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[], receivedAt: Date): void {
  if (!header) throw new SignatureVerificationError('missing Stripe-Signature header');
  const { timestamp, signatures } = parseHeader(header);
  if (timestamp === null) throw new SignatureVerificationError('Stripe-Signature header has no timestamp (t=…)');
  if (signatures.length === 0) throw new SignatureVerificationError('Stripe signature verification failed: No signatures found with expected scheme (v1) in the Stripe-Signature header');
  const age = Math.floor(receivedAt.getTime() / 1000) - timestamp;
  if (age > STRIPE_TOLERANCE_SECONDS) throw new SignatureVerificationError('Stripe signature verification failed: timestamp outside the tolerance zone (older than 300 s)');
  if (-age > STRIPE_TOLERANCE_SECONDS) throw new SignatureVerificationError('Stripe-Signature timestamp is in the future, beyond the 300 s tolerance');
  const signedPayload = Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), rawBody]);
  if (!matchesAnySignature(secrets, signedPayload, signatures, 'hex')) {
    throw new SignatureVerificationError('Stripe signature verification failed: no signatures found matching the expected signature for payload');
  }
}
