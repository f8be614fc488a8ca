/**
 * @module `X-WC-Webhook-Signature` verification and the creation ping.
 *
 * WooCommerce signs `base64(HMAC-SHA256(secret, body))` over the exact JSON body it sends
 * (`WC_Webhook::generate_signature`, providers.md §6.1). It has no timestamp and no rotation scheme;
 * during a rotation the connection holds both secrets and any one may match, every secret compared
 * in constant time.
 *
 * When a webhook is created, WooCommerce first POSTs the form body `webhook_id=<id>`, unsigned, and
 * keeps the webhook only if the answer is exactly 200 (`WC_Webhook::deliver_ping`). That one shape
 * is a ping; anything else without a signature is refused.
 */
import { SignatureVerificationError } from '../../src/contract/errors.js';
import type { WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { matchesAnySignature } from '../../src/lib/hmac.js';

const CREATION_PING = /^webhook_id=\d{1,20}$/;

export function isCreationPing(delivery: WebhookDelivery): boolean {
  return delivery.method === 'POST' && delivery.headers['x-wc-webhook-signature'] === undefined && CREATION_PING.test(delivery.rawBody.toString('utf8'));
}

export function verifyWooSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): void {
  if (!header) throw new SignatureVerificationError('missing X-WC-Webhook-Signature header');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) throw new SignatureVerificationError('X-WC-Webhook-Signature is not a base64 HMAC-SHA256 digest');
  if (!matchesAnySignature(secrets, rawBody, [header], 'base64')) {
    throw new SignatureVerificationError('WooCommerce signature verification failed: X-WC-Webhook-Signature does not match the body under any secret');
  }
}
