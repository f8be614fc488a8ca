/**
 * @module `X-Signature` verification: the hex HMAC-SHA256 of the exact body under the webhook's
 * signing secret (docs.lemonsqueezy.com/help/webhooks/signing-requests). There is no timestamp and
 * no rotation scheme on Lemon Squeezy's side, so during a rotation the connection holds both secrets
 * and any one may match; every secret is compared, in constant time.
 */
import { SignatureVerificationError } from '../../src/contract/errors.js';
import { matchesAnySignature } from '../../src/lib/hmac.js';

export function verifyLemonSqueezySignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): void {
  if (!header) throw new SignatureVerificationError('missing X-Signature header');
  if (!/^[0-9a-fA-F]{64}$/.test(header.trim())) throw new SignatureVerificationError('X-Signature is not a hex HMAC-SHA256 digest');
  if (!matchesAnySignature(secrets, rawBody, [header], 'hex')) {
    throw new SignatureVerificationError('Lemon Squeezy signature verification failed: X-Signature does not match the body under any signing secret');
  }
}
