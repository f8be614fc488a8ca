/** @module The `hub_secret` table: keys the hub made for itself, sealed under the master key. */
import type { Generated, Selectable } from 'kysely';

export interface HubSecretTable {
  /** What the key is for, e.g. `pii-hash-key`. */
  name: string;
  /** secret-box.ts `sealText`, bound to `name`. */
  sealed: string;
  created_at: Generated<Date>;
}

export type HubSecret = Selectable<HubSecretTable>;
