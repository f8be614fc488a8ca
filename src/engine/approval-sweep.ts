/**
 * @module The hold period (SPEC §4, §9): pending conversions become approved once the campaign's
 * `holdDays` have passed since the sale, unless they were reversed or rejected meanwhile. One UPDATE
 * per batch, so several hub processes sweeping at once approve each conversion once.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Conversion } from '../db/tables/conversion.table.js';
import { emitConversionEvent } from './conversion-events.js';

/** Approves up to `limit` conversions whose hold has ended at `now`; returns how many. */
export async function approveHeldConversions(db: Kysely<Database>, now: Date, limit = 500): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const approved = await sql<Conversion>`
      update conversion set status = 'approved', updated_at = ${now}
       where (merchant_id, id) in (
         select conversion.merchant_id, conversion.id from conversion
           join campaign on campaign.merchant_id = conversion.merchant_id and campaign.id = conversion.campaign_id
          where conversion.status = 'pending'
            and conversion.created_at + make_interval(days => campaign.hold_days) <= ${now}
          order by conversion.created_at
          limit ${limit}
          for update of conversion skip locked)
      returning *`.execute(trx);
    for (const conversion of approved.rows) await emitConversionEvent(trx, 'conversion.updated', conversion, now);
    return approved.rows.length;
  });
}

/** Runs the sweep every `intervalMs` in the background (each hub process; the UPDATE keeps it exactly-once). */
export class ApprovalSweeper {
  readonly #db: Kysely<Database>;
  readonly #clock: { now(): Date };
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: { db: Kysely<Database>; clock: { now(): Date }; intervalMs?: number; onError: (error: unknown) => void }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#onError = options.onError;
  }

  /** One sweep now; returns how many conversions it approved. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (let approved = await approveHeldConversions(this.#db, this.#clock.now()); approved > 0; approved = await approveHeldConversions(this.#db, this.#clock.now())) {
      total += approved;
    }
    return total;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#running = this.runOnce().catch(this.#onError);
    }, this.#intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
