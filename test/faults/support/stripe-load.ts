/**
 * A load generator that behaves like Stripe: uniquely numbered, validly signed
 * `checkout.session.completed` deliveries (one order each, attributed to the merchant's click), each
 * retried — re-signed, as Stripe does — until it gets a 200, whatever happens to the hub in between.
 * Every attempt is recorded, so a test can judge what the hub answered when.
 */
import { attributedStripeFixture } from '../../helpers/stripe.js';
import type { FaultMerchant } from './hub-api.js';
import { jsonOf, sendRaw } from './raw-http.js';
import { stripeSignatureHeader } from './signed-processors.js';

export interface StripePurchase {
  number: number;
  orderId: string;
  body: Buffer;
}

/** Purchase `number` of a run tagged `tag`: its own event id, Checkout Session and PaymentIntent (the order id). */
export function stripePurchase(merchant: FaultMerchant, tag: string, number: number): StripePurchase {
  const event = attributedStripeFixture('checkout.session.completed.1', merchant);
  const orderId = `pi_fault_${tag}_${number}`;
  event.id = `evt_fault_${tag}_${number}`;
  Object.assign(event.data.object, { id: `cs_fault_${tag}_${number}`, payment_intent: orderId });
  return { number, orderId, body: Buffer.from(JSON.stringify(event), 'utf8') };
}

export interface AttemptRecord {
  number: number;
  sentAt: number;
  answeredAt: number;
  /** The HTTP status, or "timeout" / "socket <code>". */
  status: number | string;
  retryAfter: string | null;
  eventId: string | null;
}

export interface LoadOptions {
  merchant: FaultMerchant;
  connectionId: string;
  tag: string;
  count: number;
  concurrency: number;
  /** The hub to send to right now (it changes when the hub restarts). */
  baseUrl: () => string;
  /** Pause between a failed attempt and the next one. */
  retryDelayMs: number;
  /** Give up on deliveries still unacknowledged at this time (epoch ms). */
  deadline: number;
  timeoutMs?: number;
  onAttempt?: (record: AttemptRecord) => void;
  /** Stop early (the test has already failed). */
  shouldStop?: () => boolean;
}

export interface LoadResult {
  purchases: StripePurchase[];
  /** The eventId each acknowledged purchase got, by number. */
  acknowledged: Map<number, string>;
  attempts: AttemptRecord[];
}

export async function sendStripeLoad(options: LoadOptions): Promise<LoadResult> {
  const purchases = Array.from({ length: options.count }, (_, number) => stripePurchase(options.merchant, options.tag, number));
  const result: LoadResult = { purchases, acknowledged: new Map(), attempts: [] };
  let next = 0;
  const stopped = () => options.shouldStop?.() ?? false;
  const lane = async () => {
    while (next < purchases.length && !stopped()) {
      const purchase = purchases[next] as StripePurchase;
      next += 1;
      while (Date.now() < options.deadline && !stopped()) {
        const sentAt = Date.now();
        const outcome = await sendRaw(options.baseUrl(), {
          method: 'POST', path: `/webhooks/stripe/${options.connectionId}`,
          headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': stripeSignatureHeader(purchase.body) },
          body: purchase.body, timeoutMs: options.timeoutMs ?? 10_000,
        });
        const eventId = outcome.kind === 'response' && outcome.status === 200 ? (jsonOf(outcome) as { eventId?: string } | null)?.eventId ?? null : null;
        const record: AttemptRecord = {
          number: purchase.number, sentAt, answeredAt: Date.now(),
          status: outcome.kind === 'response' ? outcome.status : outcome.kind === 'timeout' ? 'timeout' : `socket ${outcome.code}`,
          retryAfter: outcome.kind === 'response' ? outcome.headers['retry-after'] ?? null : null,
          eventId,
        };
        result.attempts.push(record);
        options.onAttempt?.(record);
        if (eventId) {
          result.acknowledged.set(purchase.number, eventId);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return result;
}
