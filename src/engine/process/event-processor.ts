/**
 * @module The in-process worker that processes stored events. Safe with several hub processes on
 * one database: events are claimed with FOR UPDATE SKIP LOCKED under a short lease that a heartbeat
 * renews while the work runs, so the events of a process that dies are taken over within seconds;
 * every claim is a new generation, so whoever holds the newest one finishes the event.
 *
 * Events are claimed up to `batchSize` at a time and processed together as one batch
 * (process-batch.ts); an event whose adapter asks the processor's API is a batch of its own. Up to
 * `concurrency` of those units are in flight at once and a slot that frees up is refilled at once, so
 * one slow event (a processor API call) never holds the others back.
 *
 * Nothing here may stop the process: every unit's failure is caught and recorded on its events (with
 * a minimal fallback when recording the failure itself fails), and an event that keeps stopping or
 * hanging whoever takes it is quarantined as poison at its next claim (inbound-event.repository.ts).
 */
import {
  claimDueEvents, claimEventNow, markEventFailed, renewClaims, type HeldClaim,
} from '../../db/repositories/inbound-event.repository.js';
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import { nextAttemptDelayMs } from './backoff.js';
import { processBatch } from './process-batch.js';
import type { PipelineDependencies } from '../pipeline.js';

export interface EventProcessorOptions {
  /** Events processed side by side (1 on the embedded database, which has a single session). */
  concurrency: number;
  /** How often an idle worker looks for due events (new deliveries wake it at once). */
  pollIntervalMs: number;
  /** How long a claim lasts unless renewed; the heartbeat renews it every third of this. */
  leaseMs: number;
  /** Work still running after this long is given up on: its claims are no longer renewed and its slot is freed. */
  maxProcessingMs: number;
  /** Events claimed at once, whose simple purchases share one transaction; 1 processes every event on its own. */
  batchSize: number;
}

interface Claim extends HeldClaim {
  readonly claimedAt: number;
  /** The unit of work holding this claim, so a unit that hangs can be let go of. */
  unit: Promise<void> | null;
}

const claimKey = (event: Pick<InboundEvent, 'merchant_id' | 'id'>) => `${event.merchant_id}/${event.id}`;

export class EventProcessor {
  readonly #deps: PipelineDependencies;
  readonly #options: EventProcessorOptions;
  #running: Promise<void> | null = null;
  #stopped = true;
  #signal: (() => void) | null = null;
  /** A wake that came while the worker was busy: its next wait is skipped. */
  #signalled = false;
  readonly #inFlight = new Set<Promise<void>>();
  /** Claims on their way to the database: what they take is not in flight yet, but soon will be. */
  readonly #claiming = new Set<Promise<unknown>>();
  readonly #claims = new Map<string, Claim>();
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(deps: PipelineDependencies, options: Partial<EventProcessorOptions> = {}) {
    this.#deps = deps;
    this.#options = {
      concurrency: options.concurrency ?? 4,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      leaseMs: options.leaseMs ?? 6_000,
      maxProcessingMs: options.maxProcessingMs ?? 300_000,
      batchSize: options.batchSize ?? 32,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Stops claiming and waits for the events being processed to finish (SIGTERM drain). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#notify();
    await this.#running;
    this.#running = null;
    await Promise.all(this.#inFlight);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  /** A delivery was stored: look now instead of at the next poll. */
  wake(): void {
    this.#notify();
  }

  /** Processes until nothing is due and nothing is in flight (tests, tools), the background loop's claims included. */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.#fill();
      if (claimed === 0 && this.#inFlight.size === 0 && this.#claiming.size === 0) return;
      if (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
      else await Promise.all(this.#claiming);
    }
  }

  /** Re-runs one event now (replay) and resolves when it is done. */
  async processNow(merchantId: string, eventId: string): Promise<boolean> {
    const event = await claimEventNow(this.#deps.db, merchantId, eventId, this.#deps.clock.now(), this.#options.leaseMs);
    if (!event) return false;
    await this.#startUnit([event], () => processBatch(this.#deps, [event]));
    return true;
  }

  /** Claims a batch of due events if a slot is free and starts them; returns how many. */
  async #fill(): Promise<number> {
    const free = this.#options.concurrency - this.#inFlight.size;
    if (free <= 0) return 0;
    const batching = this.#options.batchSize > 1;
    const claiming = claimDueEvents(this.#deps.db, this.#deps.clock.now(), batching ? this.#options.batchSize : free, this.#options.leaseMs);
    this.#claiming.add(claiming);
    try {
      const claimed = await claiming;
      this.#startClaimed(claimed, batching);
      return claimed.length;
    } finally {
      // Only now: the events are in flight, so a drain never sees them neither claiming nor in flight.
      this.#claiming.delete(claiming);
    }
  }

  /**
   * Starts the claimed events: those whose adapter asks the processor's API (GoPay, Gumroad) each as a
   * unit of its own, so a slow API never holds the others back; the rest together, as one batch.
   */
  #startClaimed(claimed: readonly InboundEvent[], batching: boolean): void {
    const events = claimed.filter((event) => event.status !== 'dead');
    for (const poisoned of claimed.filter((event) => event.status === 'dead')) {
      this.#deps.logger.warn('event quarantined as poison', { eventId: poisoned.id, provider: poisoned.provider, claims: poisoned.unfinished_claims });
    }
    const { adapters } = this.#deps;
    const asksItsProcessor = (event: InboundEvent) => adapters[event.provider as keyof typeof adapters]?.confirm !== undefined;
    const together = batching ? events.filter((event) => !asksItsProcessor(event)) : [];
    const alone = events.filter((event) => !together.includes(event));
    if (together.length > 0) void this.#startUnit(together, () => processBatch(this.#deps, together));
    for (const event of alone) void this.#startUnit([event], () => processBatch(this.#deps, [event]));
  }

  /** Runs one unit of work holding the claims of `events`; never rejects. A failure is recorded on every event of the unit. */
  #startUnit(events: readonly InboundEvent[], work: () => Promise<void>): Promise<void> {
    const claims = events.map((event) => this.#hold(event));
    const unit = (async () => {
      try {
        await work();
      } catch (error) {
        await this.#recordFailure(events, error);
      } finally {
        events.forEach((event) => this.#release(event));
      }
    })();
    for (const claim of claims) claim.unit = unit;
    this.#inFlight.add(unit);
    void unit.finally(() => {
      this.#inFlight.delete(unit);
      this.#notify();
    });
    return unit;
  }

  #hold(event: InboundEvent): Claim {
    const claim: Claim = { merchantId: event.merchant_id, id: event.id, generation: event.generation, claimedAt: Date.now(), unit: null };
    this.#claims.set(claimKey(event), claim);
    // Whoever claims (the background loop, a drain, a replay), the heartbeat keeps the claim alive.
    this.#heartbeat ??= setInterval(() => void this.#renewClaims(), Math.max(50, Math.floor(this.#options.leaseMs / 3))).unref();
    return claim;
  }

  #release(event: InboundEvent): void {
    const claim = this.#claims.get(claimKey(event));
    if (claim?.generation === event.generation) this.#claims.delete(claimKey(event));
  }

  /** What processing did not manage to record itself: the event fails and is retried on the back-off schedule. */
  async #recordFailure(events: readonly InboundEvent[], error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const now = this.#deps.clock.now();
    for (const event of events) {
      this.#deps.logger.warn('event processing failed and could not record why', { eventId: event.id, provider: event.provider, error: message });
      try {
        await markEventFailed(this.#deps.db, { merchantId: event.merchant_id, id: event.id, generation: event.generation },
          message, new Date(now.getTime() + nextAttemptDelayMs(event.attempts)), now);
      } catch (fallbackError) {
        // The database is away too: the lease runs out and the event is claimed again (and counted).
        this.#deps.logger.warn('could not mark the event failed either', { eventId: event.id, error: fallbackError instanceof Error ? fallbackError.message : String(fallbackError) });
      }
    }
  }

  /** The heartbeat: keeps the claims of running work alive; lets go of work that has run too long. */
  async #renewClaims(): Promise<void> {
    const now = Date.now();
    const renewed: Claim[] = [];
    for (const [key, claim] of this.#claims) {
      if (now - claim.claimedAt < this.#options.maxProcessingMs) {
        renewed.push(claim);
        continue;
      }
      // Hung: stop renewing so another claim can take the event (and count it toward poison), and free the slot.
      this.#claims.delete(key);
      if (claim.unit) this.#inFlight.delete(claim.unit);
      this.#deps.logger.warn('event processing hung; its claim is released', { eventId: claim.id, runningMs: now - claim.claimedAt });
      this.#notify();
    }
    try {
      await renewClaims(this.#deps.db, renewed, new Date(this.#deps.clock.now().getTime() + this.#options.leaseMs));
    } catch (error) {
      this.#deps.logger.warn('could not renew event claims', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  async #loop(): Promise<void> {
    let idleDelay = this.#options.pollIntervalMs;
    while (!this.#stopped) {
      let claimed = 0;
      try {
        claimed = await this.#fill();
        idleDelay = this.#options.pollIntervalMs;
      } catch (error) {
        // The database is away: back off (up to 5 s) instead of spinning; stored events wait safely.
        idleDelay = Math.min(idleDelay * 2, 5_000);
        this.#deps.logger.warn('event processor cannot reach the database', { error: error instanceof Error ? error : String(error) });
      }
      if (this.#stopped) break;
      // Full: wait for a slot. Nothing due: wait for a delivery or the next poll. Otherwise go on claiming.
      if (this.#inFlight.size >= this.#options.concurrency) await this.#wait(null);
      else if (claimed === 0) await this.#wait(idleDelay);
    }
  }

  /** Resolves on the next signal (a wake, a finished event) or after `milliseconds`. */
  #wait(milliseconds: number | null): Promise<void> {
    if (this.#signalled) {
      this.#signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.#signal = null;
        resolve();
      };
      if (milliseconds !== null) timer = setTimeout(done, milliseconds);
      this.#signal = done;
    });
  }

  #notify(): void {
    if (this.#signal) this.#signal();
    else this.#signalled = true;
  }
}
