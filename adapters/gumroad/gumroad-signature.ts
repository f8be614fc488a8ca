/**
 * @module Gumroad's authenticity at ingest. Gumroad signs nothing (its worker posts the body with
 * only a Content-Type header — providers.md §4.1), so the hub gives each connection an unguessable
 * token and the URL Gumroad posts to ends `?token=<token>`. The token is compared in constant time
 * with every token of the connection — the current one and, after a rotation, the replaced one while
 * its grace period lasts — and all are checked, so timing says nothing about which matched.
 * The bytes themselves are not authenticated: the Sales API confirmation is what protects amounts.
 */
import { SignatureVerificationError } from '../../src/contract/errors.js';
import { constantTimeEqual } from '../../src/lib/hashing.js';

export function verifyGumroadToken(presented: string | undefined, tokens: readonly string[]): void {
  if (presented === undefined || presented === '') throw new SignatureVerificationError('missing Gumroad URL token (the webhook URL ends ?token=…)');
  let matched = false;
  for (const token of tokens) {
    if (constantTimeEqual(presented, token)) matched = true;
  }
  if (!matched) throw new SignatureVerificationError('Gumroad URL token does not match this connection');
}
