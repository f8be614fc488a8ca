/**
 * @module GoPay's authenticity at ingest. GoPay signs nothing: its notification is
 * `GET <notification_url>?id=<paymentId>` with no body (providers.md §5.1), so all `verify` can
 * check is that a payment id is there and is a number. Whether the payment is real, paid and ours
 * is decided in processing by asking GoPay (`confirm`), never by trusting the request.
 */
import { SignatureVerificationError } from '../../src/contract/errors.js';
import { parseFormPairs } from '../../src/lib/form-body.js';

/** GoPay payment ids are positive longs. */
const PAYMENT_ID = /^\d{1,19}$/;
const MAX_LONG = 9_223_372_036_854_775_807n;

interface NotificationParts {
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** The `id` parameter: in the query (GoPay's GET), else in a form body (a POST relayed by a proxy or the merchant). */
function idParameter(notification: NotificationParts): string | null {
  const fromQuery = notification.query.id;
  if (fromQuery !== undefined) return fromQuery;
  if (notification.rawBody.length === 0 || !(notification.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return null;
  return parseFormPairs(notification.rawBody).find(([name]) => name === 'id')?.[1] ?? null;
}

/** The notified payment id, normalised (no leading zeros); throws SignatureVerificationError when absent or not numeric. */
export function notifiedPaymentId(notification: NotificationParts): string {
  const raw = idParameter(notification);
  if (raw === null || raw.trim() === '') throw new SignatureVerificationError('GoPay notification carries no payment id (expected ?id=<paymentId>)');
  const text = raw.trim();
  if (!PAYMENT_ID.test(text)) throw new SignatureVerificationError('GoPay notification id is not a numeric payment id');
  const id = BigInt(text);
  if (id === 0n || id > MAX_LONG) throw new SignatureVerificationError('GoPay notification id is not a valid payment id');
  return id.toString();
}
