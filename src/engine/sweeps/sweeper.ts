/**
 * @module Periodic upkeep, once a minute in each hub process: conversions whose hold period ended
 * are approved, raw deliveries past their retention are dropped, and values sealed under a retired
 * master key are sealed again under the current one (until none is left). Each job is idempotent and
 * set-based, so several processes sweeping at once do each thing once; a job that fails is logged
 * and tried again at the next sweep, and never stops the others.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { approveHeldConversions } from './approval-sweep.js';
import type { HubKeys } from '../connections/hub-keys.js';
import { dropExpiredPayloads } from './payload-retention.js';
import { resealUnderCurrentKeys } from './reseal.js';

export interface SweepSummary {
  approved: number;
  payloadsDropped: number;
  resealed: number;
}

export interface SweeperOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  keys: HubKeys;
  rawPayloadRetentionDays: number;
  intervalMs?: number;
}

export class Sweeper {
  readonly #options: SweeperOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();
  /** Re-sealing stops looking once a sweep finds nothing left: new values are always sealed under the current key. */
  #resealDone = false;

  constructor(options: SweeperOptions) {
    this.#options = options;
  }

  /** One sweep now, every job to its end. */
  async runOnce(): Promise<SweepSummary> {
    const summary: SweepSummary = { approved: 0, payloadsDropped: 0, resealed: 0 };
    await this.#job('approval sweep', async () => {
      for (let approved = await this.#approve(); approved > 0; approved = await this.#approve()) summary.approved += approved;
    });
    await this.#job('payload retention', async () => {
      const { db, clock, rawPayloadRetentionDays } = this.#options;
      for (let dropped = await dropExpiredPayloads(db, clock.now(), rawPayloadRetentionDays); dropped > 0; dropped = await dropExpiredPayloads(db, clock.now(), rawPayloadRetentionDays)) {
        summary.payloadsDropped += dropped;
      }
    });
    if (!this.#resealDone) {
      await this.#job('re-sealing under the current key', async () => {
        for (let resealed = await resealUnderCurrentKeys(this.#options.db, this.#options.keys); resealed > 0; resealed = await resealUnderCurrentKeys(this.#options.db, this.#options.keys)) {
          summary.resealed += resealed;
        }
        this.#resealDone = true;
      });
    }
    return summary;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#running = this.runOnce();
    }, this.#options.intervalMs ?? 60_000);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #approve(): Promise<number> {
    return approveHeldConversions(this.#options.db, this.#options.clock.now());
  }

  async #job(name: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#options.logger.warn(`${name} failed; it runs again at the next sweep`, { error: error instanceof Error ? error : String(error) });
    }
  }
}
