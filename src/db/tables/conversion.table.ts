/** @module The `conversion` table: one recorded sale (or lead), unique per merchant and order id. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type ConversionSource = 'api' | 'postback' | 'stripe' | 'paddle' | 'lemonsqueezy' | 'gumroad' | 'gopay' | 'woocommerce';
export type ConversionType = 'one_time' | 'subscription' | 'recurring';
export type ConversionEventType = 'sale' | 'lead' | 'signup' | 'trial';
export type ConversionStatus = 'pending' | 'approved' | 'paid' | 'rejected' | 'reversed';

export interface ConversionTable {
  merchant_id: string;
  id: string;
  campaign_id: string;
  affiliate_id: string;
  click_id: string | null;
  visitor_id: string | null;
  source: ConversionSource;
  order_id: string;
  conversion_type: ConversionType;
  event_type: ConversionEventType;
  currency: string;
  /** Money columns are integer minor units of `currency`. */
  amount: number;
  net_amount: number;
  tax_amount: number;
  shipping_amount: number;
  discount_amount: number;
  refunded_amount: number;
  /** Current commission; always the sum of the adjustment lines. */
  commission: number;
  /** C0: the commission at creation, the basis of pro-rata refunds (SPEC §9). */
  original_commission: number;
  status: ConversionStatus;
  status_reason: string | null;
  /** The status to restore when a lost chargeback is won back. */
  status_before_reversal: ConversionStatus | null;
  metadata: ColumnType<Record<string, unknown>, string, string>;
  /** Keyed hash of the customer's email or processor customer id. */
  customer_hash: string | null;
  subscription_id: string | null;
  /** How itemised the amounts are; a more detailed report of the same sale replaces less detailed ones. */
  amounts_precedence: ColumnType<number, number | undefined, number>;
  /** The percent rate (basis points) C0 was computed with; null for flat commissions. */
  commission_rate_basis_points: number | null;
  /** A lost dispute (not won back) currently holds the commission at zero. */
  charged_back: ColumnType<boolean, boolean | undefined, boolean>;
  /** When the sale happened. */
  created_at: Date;
  /** When the hub recorded it. */
  recorded_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Conversion = Selectable<ConversionTable>;
export type NewConversion = Insertable<ConversionTable>;
export type ConversionUpdate = Updateable<ConversionTable>;
