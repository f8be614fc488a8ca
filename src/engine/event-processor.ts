/**
 * @module The in-process worker that processes stored events. Safe with several hub processes on
 * one database: events are claimed with FOR UPDATE SKIP LOCKED under a lease, and an event re-armed
 * while claimed (a replay, a fresh notification) is finished by whoever holds its newest generation.
 */
import { claimDueEvents, claimEventNow } from '../db/repositories/inbound-event.repository.js';
import { processClaimedEvent } from './process-event.js';
import type { PipelineDependencies } from './pipeline.js';

export interface EventProcessorOptions {
  /** Events processed side by side (1 on the embedded database, which has a single session). */
  concurrency: number;
  /** How often an idle worker looks for due events (new deliveries wake it at once). */
  pollIntervalMs: number;
  /** How long a claim lasts before another worker may take the event over. */
  leaseMs: number;
}

export class EventProcessor {
  readonly #deps: PipelineDependencies;
  readonly #options: EventProcessorOptions;
  #running: Promise<void> | null = null;
  #stopped = true;
  #wakeUp: (() => void) | null = null;
  /** A wake that came while the worker was busy: its next sleep is skipped. */
  #wokenWhileBusy = false;
  #inFlight = new Set<Promise<void>>();

  constructor(deps: PipelineDependencies, options: Partial<EventProcessorOptions> = {}) {
    this.#deps = deps;
    this.#options = { concurrency: options.concurrency ?? 4, pollIntervalMs: options.pollIntervalMs ?? 250, leaseMs: options.leaseMs ?? 60_000 };
  }

  start(): void {
    if (this.#running) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Stops claiming and waits for the events being processed to finish (SIGTERM drain). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wakeUp?.();
    await this.#running;
    this.#running = null;
    await Promise.all(this.#inFlight);
  }

  /** A delivery was stored: look now instead of at the next poll. */
  wake(): void {
    if (this.#wakeUp) this.#wakeUp();
    else this.#wokenWhileBusy = true;
  }

  /** Processes until nothing is due and nothing is in flight (tests, tools). */
  async drain(): Promise<void> {
    for (;;) {
      await Promise.all(this.#inFlight);
      if ((await this.#runBatch()) === 0 && this.#inFlight.size === 0) return;
    }
  }

  /** Re-runs one event now (replay) and resolves when it is done. */
  async processNow(merchantId: string, eventId: string): Promise<boolean> {
    const event = await claimEventNow(this.#deps.db, merchantId, eventId, this.#deps.clock.now(), this.#options.leaseMs);
    if (!event) return false;
    await this.#track(processClaimedEvent(this.#deps, event));
    return true;
  }

  async #runBatch(): Promise<number> {
    const events = await claimDueEvents(this.#deps.db, this.#deps.clock.now(), this.#options.concurrency, this.#options.leaseMs);
    await Promise.all(events.map((event) => this.#track(processClaimedEvent(this.#deps, event))));
    return events.length;
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  async #loop(): Promise<void> {
    let idleDelay = this.#options.pollIntervalMs;
    while (!this.#stopped) {
      let processed = 0;
      try {
        processed = await this.#runBatch();
        idleDelay = this.#options.pollIntervalMs;
      } catch (error) {
        // The database is away: back off (up to 5 s) instead of spinning; stored events wait safely.
        idleDelay = Math.min(idleDelay * 2, 5_000);
        this.#deps.logger.warn('event processor cannot reach the database', { error: error instanceof Error ? error : String(error) });
      }
      if (processed === 0 && !this.#stopped) await this.#sleep(idleDelay);
    }
  }

  #sleep(milliseconds: number): Promise<void> {
    if (this.#wokenWhileBusy) {
      this.#wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, milliseconds);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = () => {
        this.#wakeUp = null;
        done();
      };
    });
  }
}
