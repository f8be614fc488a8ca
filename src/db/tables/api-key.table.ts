/** @module The `api_key` table: merchant API keys, stored only as SHA-256 plus a display prefix. */
import type { Generated, Insertable, Selectable } from 'kysely';

export type ApiKeyScope = 'write' | 'read';

export interface ApiKeyTable {
  id: string;
  merchant_id: string;
  scope: ApiKeyScope;
  /** Hex SHA-256 of the whole key; the key itself is shown once and never stored. */
  key_hash: string;
  /** The first characters of the key, to tell keys apart in a list. */
  prefix: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export type ApiKey = Selectable<ApiKeyTable>;
export type NewApiKey = Insertable<ApiKeyTable>;
