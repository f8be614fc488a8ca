/** @module The `order_reference` table: other names of an order (payment intents, subscriptions, customers). */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface OrderReferenceTable {
  merchant_id: string;
  /** Namespaced by provider and kind, e.g. `stripe:payment_intent:pi_…`, `stripe:subscription:sub_…`. */
  reference: string;
  order_id: string;
  created_at: Generated<Date>;
}

export type OrderReference = Selectable<OrderReferenceTable>;
export type NewOrderReference = Insertable<OrderReferenceTable>;
