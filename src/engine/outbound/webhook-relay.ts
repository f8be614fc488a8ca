/**
 * @module The relay that delivers outbound webhooks from the outbox (SPEC §11): first attempt within
 * a second of the commit, then retries after about 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h
 * and every 12 h until 3 days have passed (±20 % jitter), a longer `Retry-After` honoured, a 410
 * disabling the endpoint. Deliveries are claimed with SKIP LOCKED under a lease longer than the
 * attempt timeout, so several hub processes never send one delivery at the same time.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { claimDueDeliveries, failPendingDeliveries, updateDelivery, type ClaimedDelivery } from '../../db/repositories/outbound.repository.js';
import { updateWebhookEndpoint } from '../../db/repositories/webhook-endpoint.repository.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { openText, type SealingKeys } from '../../lib/secret-box.js';
import { webhookHeaders } from '../../lib/standard-webhooks.js';
import { postWebhook, type AttemptResult } from './deliver-webhook.js';

const RETRY_SCHEDULE_SECONDS = [5, 30, 120, 600, 1_800, 3_600, 3 * 3_600, 6 * 3_600];
const TWELVE_HOURS = 12 * 3_600;
export const GIVE_UP_AFTER_MS = 3 * 86_400_000;

/** Seconds to wait after attempt `attempts` failed (1-based), jittered ±20 %. */
export function retryDelaySeconds(attempts: number, random: () => number = Math.random): number {
  const base = RETRY_SCHEDULE_SECONDS[attempts - 1] ?? TWELVE_HOURS;
  return base * (0.8 + random() * 0.4);
}

export interface WebhookRelayOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  encryptionKey: SealingKeys;
  /** The hub's guarded fetch (`createGuardedFetch`): it refuses private addresses at connect time. */
  fetch: typeof fetch;
  attemptTimeoutMs?: number;
  concurrency?: number;
  pollIntervalMs?: number;
  random?: () => number;
}

export class WebhookRelay {
  readonly #options: Required<Omit<WebhookRelayOptions, 'random'>> & { random: () => number };
  #running: Promise<void> | null = null;
  #stopped = true;
  #timer: NodeJS.Timeout | null = null;
  #wakeUp: (() => void) | null = null;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: WebhookRelayOptions) {
    this.#options = { attemptTimeoutMs: 15_000, concurrency: 8, pollIntervalMs: 250, random: Math.random, ...options };
  }

  start(): void {
    if (this.#running) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wakeUp?.();
    await this.#running;
    this.#running = null;
    await Promise.all(this.#inFlight);
  }

  /** Delivers everything due now and waits for it (tests, tools). */
  async drain(): Promise<void> {
    while ((await this.#runBatch()) > 0) { /* keep going while deliveries are due */ }
    await Promise.all(this.#inFlight);
  }

  async #runBatch(): Promise<number> {
    const { db, clock, concurrency, attemptTimeoutMs } = this.#options;
    // The lease outlives the attempt's timeout: no other relay can take the delivery while it is in the air.
    const claimed = await claimDueDeliveries(db, clock.now(), concurrency, attemptTimeoutMs + 30_000);
    await Promise.all(claimed.map((delivery) => this.#track(this.#attempt(delivery))));
    return claimed.length;
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  async #attempt(delivery: ClaimedDelivery): Promise<void> {
    const { db, clock, logger, encryptionKey, fetch: send, attemptTimeoutMs } = this.#options;
    const sentAt = clock.now();
    let result: AttemptResult;
    try {
      const secret = openText(encryptionKey, delivery.sealed_secret, delivery.endpoint_id);
      const headers = webhookHeaders(secret, delivery.event_id, Math.floor(sentAt.getTime() / 1000), delivery.body);
      result = await postWebhook(send, delivery.url, delivery.body, headers, { timeoutMs: attemptTimeoutMs, now: sentAt });
    } catch (error) {
      result = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    const now = clock.now();
    const status = result.kind === 'response' ? result.status : null;
    const base = { locked_until: null, updated_at: now, last_response_status: status, last_error: result.kind === 'error' ? result.message : null };

    if (status !== null && status >= 200 && status < 300) {
      await updateDelivery(db, delivery.merchant_id, delivery.id, { ...base, status: 'succeeded', next_attempt_at: null });
      return;
    }
    if (status === 410) {
      // The receiver says the endpoint is gone for good: stop sending to it.
      await db.transaction().execute(async (trx) => {
        await updateDelivery(trx, delivery.merchant_id, delivery.id, { ...base, status: 'failed', next_attempt_at: null, last_error: 'endpoint answered 410 Gone; endpoint disabled' });
        await updateWebhookEndpoint(trx, delivery.merchant_id, delivery.endpoint_id, { status: 'disabled', disabled_reason: 'the endpoint answered 410 Gone', updated_at: now });
        await failPendingDeliveries(trx, delivery.merchant_id, delivery.endpoint_id, 'endpoint disabled after 410 Gone', now);
      });
      logger.warn('webhook endpoint disabled after 410', { endpointId: delivery.endpoint_id });
      return;
    }
    const delaySeconds = Math.max(retryDelaySeconds(delivery.attempts, this.#options.random), result.kind === 'response' ? (result.retryAfterSeconds ?? 0) : 0);
    const next = new Date(now.getTime() + delaySeconds * 1000);
    const givenUp = next.getTime() - delivery.created_at.getTime() > GIVE_UP_AFTER_MS;
    await updateDelivery(db, delivery.merchant_id, delivery.id, {
      ...base,
      status: givenUp ? 'failed' : 'pending',
      next_attempt_at: givenUp ? null : next,
      last_error: base.last_error ?? `receiver answered ${status}`,
    });
  }

  async #loop(): Promise<void> {
    let idleDelay = this.#options.pollIntervalMs;
    while (!this.#stopped) {
      let sent = 0;
      try {
        sent = await this.#runBatch();
        idleDelay = this.#options.pollIntervalMs;
      } catch (error) {
        // The database is away: back off (up to 5 s) instead of logging four times a second.
        idleDelay = Math.min(idleDelay * 2, 5_000);
        this.#options.logger.warn('webhook relay cannot reach the database', { error: error instanceof Error ? error : String(error) });
      }
      if (sent === 0 && !this.#stopped) {
        await new Promise<void>((resolve) => {
          this.#wakeUp = () => {
            if (this.#timer) clearTimeout(this.#timer);
            this.#wakeUp = null;
            resolve();
          };
          this.#timer = setTimeout(() => this.#wakeUp?.(), idleDelay);
        });
      }
    }
  }
}
