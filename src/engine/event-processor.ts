/**
 * @module The in-process worker that processes stored events. Safe with several hub processes on
 * one database: events are claimed with FOR UPDATE SKIP LOCKED under a lease, and an event re-armed
 * while claimed (a replay, a fresh notification) is finished by whoever holds its newest generation.
 *
 * Events are claimed up to `batchSize` at a time. The simple purchases of a claim are recorded
 * together in one transaction (process-event-batch.ts); every other event is processed on its own.
 * Up to `concurrency` of those units are in flight at once and a slot that frees up is refilled at
 * once, so one slow event (a processor API call) never holds the others back. A claim may start
 * more units than there are free slots; no more is claimed until the count is below `concurrency`.
 */
import { claimDueEvents, claimEventNow } from '../db/repositories/inbound-event.repository.js';
import { processEventBatch } from './process-event-batch.js';
import { processClaimedEvent } from './process-event.js';
import type { PipelineDependencies } from './pipeline.js';

export interface EventProcessorOptions {
  /** Events processed side by side (1 on the embedded database, which has a single session). */
  concurrency: number;
  /** How often an idle worker looks for due events (new deliveries wake it at once). */
  pollIntervalMs: number;
  /** How long a claim lasts before another worker may take the event over. */
  leaseMs: number;
  /** Events claimed at once, whose simple purchases share one transaction; 1 processes every event on its own. */
  batchSize: number;
}

export class EventProcessor {
  readonly #deps: PipelineDependencies;
  readonly #options: EventProcessorOptions;
  #running: Promise<void> | null = null;
  #stopped = true;
  #signal: (() => void) | null = null;
  /** A wake that came while the worker was busy: its next wait is skipped. */
  #signalled = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: PipelineDependencies, options: Partial<EventProcessorOptions> = {}) {
    this.#deps = deps;
    this.#options = {
      concurrency: options.concurrency ?? 4, pollIntervalMs: options.pollIntervalMs ?? 250, leaseMs: options.leaseMs ?? 60_000, batchSize: options.batchSize ?? 32,
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
  }

  /** A delivery was stored: look now instead of at the next poll. */
  wake(): void {
    this.#notify();
  }

  /** Processes until nothing is due and nothing is in flight (tests, tools). */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.#fill();
      if (claimed === 0 && this.#inFlight.size === 0) return;
      if (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    }
  }

  /** Re-runs one event now (replay) and resolves when it is done. */
  async processNow(merchantId: string, eventId: string): Promise<boolean> {
    const event = await claimEventNow(this.#deps.db, merchantId, eventId, this.#deps.clock.now(), this.#options.leaseMs);
    if (!event) return false;
    await this.#track(processClaimedEvent(this.#deps, event));
    return true;
  }

  /** Claims a batch of due events if a slot is free and starts them; returns how many. */
  async #fill(): Promise<number> {
    const free = this.#options.concurrency - this.#inFlight.size;
    if (free <= 0) return 0;
    const batching = this.#options.batchSize > 1;
    const events = await claimDueEvents(this.#deps.db, this.#deps.clock.now(), batching ? this.#options.batchSize : free, this.#options.leaseMs);
    if (events.length === 0) return 0;
    const start = (work: Promise<void>) => {
      void this.#track(work).finally(() => this.#notify());
    };
    if (batching) start(processEventBatch(this.#deps, events, start));
    else for (const event of events) start(processClaimedEvent(this.#deps, event));
    return events.length;
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
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
