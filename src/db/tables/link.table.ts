/**
 * @module The `link` table: tracking links served at `/r/:code`.
 * `code` is the one global key in the schema: a redirect arrives with nothing but the code.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface LinkTable {
  code: string;
  merchant_id: string;
  id: string;
  campaign_id: string;
  affiliate_id: string;
  destination_url: string;
  created_at: Generated<Date>;
}

export type Link = Selectable<LinkTable>;
export type NewLink = Insertable<LinkTable>;
