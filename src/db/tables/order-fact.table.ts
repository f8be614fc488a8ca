/**
 * @module The `order_fact` table: refunds and disputes processors reported for an order, kept
 * whether or not the order has a conversion yet, so arrival order never changes the outcome.
 */
import type { Insertable, Selectable } from 'kysely';

/** `refund`: one refund and its status; `refund_total`: a cumulative refunded total; `dispute`: lost or won. */
export type OrderFactKind = 'refund' | 'refund_total' | 'dispute';

export interface OrderFactTable {
  merchant_id: string;
  order_id: string;
  fact_key: string;
  kind: OrderFactKind;
  amount: number;
  currency: string | null;
  /** refund: succeeded|pending|failed|canceled; refund_total: succeeded; dispute: lost|won. */
  state: string;
  updated_at: Date;
}

export type OrderFact = Selectable<OrderFactTable>;
export type NewOrderFact = Insertable<OrderFactTable>;
