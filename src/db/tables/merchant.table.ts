/** @module The `merchant` table: one tenant of the hub. */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface MerchantTable {
  id: string;
  name: string;
  /** Monthly cap on commissions in minor units of `cap_currency`; null = no cap. */
  monthly_earnings_cap: number | null;
  cap_currency: string;
  created_at: Generated<Date>;
}

export type Merchant = Selectable<MerchantTable>;
export type NewMerchant = Insertable<MerchantTable>;
export type MerchantUpdate = Updateable<MerchantTable>;
