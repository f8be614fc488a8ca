/** @module The `connection` table: a merchant's account at one processor, with sealed secrets. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ConnectionMode } from '../../contract/webhook-delivery.js';

export interface ConnectionTable {
  merchant_id: string;
  id: string;
  provider: string;
  /** The default campaign when a delivery names no program_id. */
  campaign_id: string;
  mode: ConnectionMode;
  /** AES-256-GCM sealed JSON `{secrets, secretOptions}`, bound to the connection id. */
  sealed_credentials: string;
  /** Options that are not secret, as returned by the API. */
  public_options: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

export type Connection = Selectable<ConnectionTable>;
export type NewConnection = Insertable<ConnectionTable>;
export type ConnectionUpdate = Updateable<ConnectionTable>;
