/**
 * @module `Stripe-Signature` verification with the stripe package: `t=…,v1=…[,v1=…]` over
 * `${t}.${rawBody}`, HMAC-SHA256, any v1 under any of the connection's secrets (rotation).
 * The SDK only bounds a signature's age; the hub also refuses timestamps from the future.
 */
import Stripe from 'stripe';
import { SignatureVerificationError } from '../../src/contract/errors.js';

export const STRIPE_TOLERANCE_SECONDS = 300;

function headerTimestamp(header: string): number | null {
  for (const part of header.split(',')) {
    const [key, value] = part.split('=');
    if (key?.trim() === 't' && value && /^\d+$/.test(value.trim())) return Number(value.trim());
  }
  return null;
}

export function verifyStripeSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[], receivedAt: Date): void {
  if (!header) throw new SignatureVerificationError('missing Stripe-Signature header');
  const timestamp = headerTimestamp(header);
  if (timestamp === null) throw new SignatureVerificationError('Stripe-Signature header has no timestamp (t=…)');
  if (timestamp - Math.floor(receivedAt.getTime() / 1000) > STRIPE_TOLERANCE_SECONDS) {
    throw new SignatureVerificationError('Stripe-Signature timestamp is in the future, beyond the 300 s tolerance');
  }
  const { signature } = Stripe.webhooks;
  if (!signature) throw new Error('the stripe package offers no signature verifier');
  let lastError: unknown = null;
  for (const secret of secrets) {
    try {
      signature.verifyHeader(rawBody, header, secret, STRIPE_TOLERANCE_SECONDS, undefined, receivedAt.getTime());
      return;
    } catch (error) {
      lastError = error;
    }
  }
  const reason = lastError instanceof Error ? (lastError.message.split('\n')[0] ?? lastError.message).trim() : 'no secret configured';
  throw new SignatureVerificationError(`Stripe signature verification failed: ${reason}`, { cause: lastError });
}
