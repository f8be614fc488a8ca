/**
 * @module Group commit for ingest. Deliveries that arrive together are stored by one multi-row
 * INSERT: one round trip and one commit for the group instead of one each. Under load that is most
 * of the cost of a delivery, on both sides of the socket (see BENCHMARKS.md); when it is quiet a
 * group is one delivery and nothing waits.
 *
 * Every caller still learns its own outcome only after the commit that holds its row, so a 200 is
 * never sent for a delivery that is not durable. If a group's statement fails, its deliveries are
 * retried one statement each, so one bad row cannot fail the deliveries that happened to share its
 * statement.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findDelivery, insertDeliveries, insertDeliveryOnce, type StoredDelivery } from '../../db/repositories/inbound-event.repository.js';
import type { NewInboundEvent } from '../../db/tables/inbound-event.table.js';

export interface DeliveryWriterOptions {
  /** Rows per statement at most. */
  readonly maxGroupSize: number;
  /** Statements in the air at once; more deliveries wait for one to finish and form the next group. */
  readonly maxInFlight: number;
}

interface Waiting {
  readonly row: NewInboundEvent;
  resolve(stored: StoredDelivery): void;
  reject(error: unknown): void;
}

export class DeliveryWriter {
  readonly #db: Kysely<Database>;
  readonly #options: DeliveryWriterOptions;
  #waiting: Waiting[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(db: Kysely<Database>, options: Partial<DeliveryWriterOptions> = {}) {
    this.#db = db;
    this.#options = { maxGroupSize: options.maxGroupSize ?? 64, maxInFlight: options.maxInFlight ?? 4 };
  }

  /** Resolves once the row is committed (or found already stored), with the id it is stored under. */
  store(row: NewInboundEvent): Promise<StoredDelivery> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ row, resolve, reject });
      this.#schedule();
    });
  }

  /**
   * Writes on the next turn of the event loop, so every delivery whose body finished arriving in
   * this turn joins the same group.
   */
  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0 || this.#inFlight >= this.#options.maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const group = this.#waiting.splice(0, this.#options.maxGroupSize);
      this.#inFlight += 1;
      // #write settles every caller itself; should it throw anyway, nobody is left waiting.
      void this.#write(group).catch((error: unknown) => {
        for (const waiting of group) waiting.reject(error);
      }).finally(() => {
        this.#inFlight -= 1;
        this.#schedule();
      });
      this.#schedule();
    });
  }

  async #write(group: Waiting[]): Promise<void> {
    // Twins in one group (a processor's retry racing its first attempt) become one row.
    const byKey = new Map<string, Waiting[]>();
    for (const waiting of group) {
      const key = `${waiting.row.merchant_id}\u0000${waiting.row.connection_id}\u0000${waiting.row.provider_event_id}`;
      const twins = byKey.get(key);
      if (twins) twins.push(waiting);
      else byKey.set(key, [waiting]);
    }
    const firsts = [...byKey.values()].map((twins) => twins[0] as Waiting);
    let inserted: Set<string>;
    try {
      inserted = await insertDeliveries(this.#db, firsts.map((waiting) => waiting.row));
    } catch (error) {
      if (firsts.length === 1) {
        for (const waiting of group) waiting.reject(error);
        return;
      }
      await Promise.all([...byKey.values()].map((twins) => this.#settle(twins, this.#writeAlone((twins[0] as Waiting).row))));
      return;
    }
    await Promise.all([...byKey.values()].map((twins) => {
      const row = (twins[0] as Waiting).row;
      return this.#settle(twins, inserted.has(row.id) ? Promise.resolve({ eventId: row.id, duplicate: false }) : this.#findStored(row));
    }));
  }

  /** The first of the twins gets the outcome; the others are duplicates of it. */
  async #settle(twins: Waiting[], outcome: Promise<StoredDelivery>): Promise<void> {
    try {
      const stored = await outcome;
      twins.forEach((waiting, index) => waiting.resolve(index === 0 ? stored : { eventId: stored.eventId, duplicate: true }));
    } catch (error) {
      for (const waiting of twins) waiting.reject(error);
    }
  }

  async #writeAlone(row: NewInboundEvent): Promise<StoredDelivery> {
    return (await insertDeliveryOnce(this.#db, row)) ?? this.#findStored(row);
  }

  /** A row that collided: the delivery was stored before (or by a concurrent twin that has committed since). */
  async #findStored(row: NewInboundEvent): Promise<StoredDelivery> {
    const eventId = await findDelivery(this.#db, row.merchant_id, row.connection_id, row.provider_event_id);
    if (!eventId) throw new Error(`delivery ${row.provider_event_id} conflicted but cannot be found`);
    return { eventId, duplicate: true };
  }
}
