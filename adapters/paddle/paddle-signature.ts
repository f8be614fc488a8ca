/**
 * @module `Paddle-Signature` verification: `ts=…;h1=…[;h1=…]`, HMAC-SHA256 (hex) of
 * `${ts}:${rawBody}` — a colon — under the notification destination's secret
 * (https://developer.paddle.com/webhooks/about/signature-verification).
 *
 * Done here rather than with `@paddle/paddle-node-sdk`: the SDK keeps only the last `h1` of the
 * header and compares it with `===`. Here every `h1` is tried against every secret of the
 * connection (rotation) in constant time, as Paddle's Python SDK does.
 */
import { SignatureVerificationError } from '../../src/contract/errors.js';
import { matchesAnySignature } from '../../src/lib/hmac.js';

/** Paddle's SDKs refuse a signature more than five seconds old (`MAX_VALID_TIME_DIFFERENCE = 5`). */
export const PADDLE_DEFAULT_TOLERANCE_SECONDS = 5;

interface ParsedHeader {
  /** As sent: the signed content starts with these exact characters. */
  timestampText: string;
  signatures: string[];
}

function parseHeader(header: string): ParsedHeader {
  let timestampText: string | null = null;
  const signatures: string[] = [];
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 'ts' && /^\d{1,12}$/.test(value)) timestampText = value;
    else if (key === 'h1' && value) signatures.push(value);
  }
  if (timestampText === null) throw new SignatureVerificationError('Paddle-Signature header has no timestamp (ts=…)');
  if (signatures.length === 0) throw new SignatureVerificationError('Paddle-Signature header has no h1 signature');
  return { timestampText, signatures };
}

export function verifyPaddleSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  receivedAt: Date,
  toleranceSeconds: number,
): void {
  if (!header) throw new SignatureVerificationError('missing Paddle-Signature header');
  const { timestampText, signatures } = parseHeader(header);
  const signedAtMs = Number(timestampText) * 1000;
  const toleranceMs = toleranceSeconds * 1000;
  // A retry is signed afresh, so a small window never rejects Paddle's own retries; it bounds replays.
  if (receivedAt.getTime() - signedAtMs > toleranceMs) {
    throw new SignatureVerificationError(`Paddle-Signature timestamp is older than the ${toleranceSeconds} s tolerance`);
  }
  if (signedAtMs - receivedAt.getTime() > toleranceMs) {
    throw new SignatureVerificationError(`Paddle-Signature timestamp is in the future, beyond the ${toleranceSeconds} s tolerance`);
  }
  const signedContent = Buffer.concat([Buffer.from(`${timestampText}:`, 'utf8'), rawBody]);
  if (!matchesAnySignature(secrets, signedContent, signatures, 'hex')) {
    throw new SignatureVerificationError('Paddle-Signature does not match the body under any of the connection\'s secrets');
  }
}
