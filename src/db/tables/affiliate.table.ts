/** @module The `affiliate` table. The email is kept only as a keyed hash, for self-referral checks. */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface AffiliateTable {
  merchant_id: string;
  id: string;
  name: string;
  email_hash: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Affiliate = Selectable<AffiliateTable>;
export type NewAffiliate = Insertable<AffiliateTable>;
export type AffiliateUpdate = Updateable<AffiliateTable>;
