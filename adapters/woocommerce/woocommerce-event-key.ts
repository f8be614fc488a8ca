/**
 * @module The deduplication key of a WooCommerce order delivery.
 *
 * WooCommerce sends no event id (`X-WC-Webhook-Delivery-ID` is new on every attempt) and builds the
 * payload at delivery time, so the same state of an order can arrive several times — as
 * `order.created` and `order.updated`, or again after an unrelated edit that only moved
 * `date_modified`. The key is therefore the order's derived state: everything the mapping reads
 * (status, whether it was paid, currency, amounts, the refunds by id and amount, the attribution
 * keys) and nothing it does not. The same state delivered twice is one stored event; a new refund,
 * a new status or changed attribution is a new one. The key starts readable and ends with a digest
 * of the whole state. It is scoped to the connection, i.e. to one store, by the ingest's unique index.
 */
import { createHash } from 'node:crypto';
import { readAttributionKeys } from '../../src/lib/attribution-keys.js';
import { metadataObject } from './woocommerce-mapping.js';
import type { WooOrder } from './woocommerce-schema.js';

export function wooEventKey(order: WooOrder): string {
  const refunds = (order.refunds ?? []).map((refund) => `${refund.id}=${refund.total}`).sort();
  const state = {
    id: order.id,
    status: order.status,
    paid: Boolean(order.date_paid_gmt),
    currency: order.currency,
    amounts: [order.total, order.total_tax ?? null, order.shipping_total ?? null, order.discount_total ?? null],
    refunds,
    attribution: readAttributionKeys(metadataObject(order)),
  };
  const digest = createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 24);
  const refundIds = refunds.map((refund) => refund.split('=')[0]).join(',') || 'none';
  return `order:${order.id}:${order.status}:refunds=${refundIds}:${digest}`;
}
