/** @module The `inbound_event` table: every authentic processor delivery, and what became of it. */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export type InboundEventStatus = 'received' | 'processing' | 'processed' | 'ignored' | 'waiting' | 'failed' | 'dead';

type Json<T> = ColumnType<T, string, string>;
/** A jsonb column with a database default: optional on insert. */
type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;

export interface InboundEventTable {
  merchant_id: string;
  id: string;
  connection_id: string;
  provider: string;
  /** The processor's event id, or a deterministic key synthesised from the event's content. */
  provider_event_id: string;
  event_type: string;
  /**
   * The body bytes exactly as received, sealed (secret-box.ts `sealBytes`) under `payload_key_id`;
   * replays re-map from these. Empty once dropped after the retention period.
   */
  raw_body: ColumnType<Uint8Array, Buffer, Buffer>;
  /** The key that sealed `raw_body`; null for a body stored in clear before sealing existed (or dropped). */
  payload_key_id: string | null;
  payload_dropped_at: Date | null;
  headers: Json<Record<string, string>>;
  query: Json<Record<string, string>>;
  received_at: Date;
  status: InboundEventStatus;
  reason: string | null;
  error: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  locked_until: Date | null;
  generation: ColumnType<number, number | undefined, number>;
  /** Claims since the event last finished; one that keeps dying with its processor is quarantined as poison. */
  unfinished_claims: ColumnType<number, number | undefined, number>;
  /** The order or reference a `waiting` event needs; its arrival re-arms the event at once. */
  waiting_for: string | null;
  trace: JsonWithDefault<string[]>;
  conversion_ids: JsonWithDefault<string[]>;
  processed_at: Date | null;
  updated_at: Date;
}

export type InboundEvent = Selectable<InboundEventTable>;
export type NewInboundEvent = Insertable<InboundEventTable>;
export type InboundEventUpdate = Updateable<InboundEventTable>;
