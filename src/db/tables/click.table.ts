/** @module The `click` table: one recorded visit through a link or the clicks API. */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface ClickTable {
  merchant_id: string;
  id: string;
  campaign_id: string;
  affiliate_id: string;
  link_code: string | null;
  visitor_id: string;
  sub_id: string | null;
  sub_id_2: string | null;
  sub_id_3: string | null;
  /** Keyed hash of the client IP (PII is never stored in clear). */
  ip_hash: string | null;
  created_at: Generated<Date>;
}

export type Click = Selectable<ClickTable>;
export type NewClick = Insertable<ClickTable>;
