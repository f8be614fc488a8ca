/**
 * @module The order id of a WooCommerce order (SPEC §7): the store's order `id`, with the
 * connection's `orderIdPrefix` put directly in front when set (`"shopA-"` + `1234` → `shopA-1234`),
 * so that two stores of one merchant never share an order id.
 */

export function wooOrderId(id: number, orderIdPrefix: string | undefined): string {
  return `${orderIdPrefix ?? ''}${id}`;
}

export const wooReference = {
  refund: (id: number) => `woocommerce:refund:${id}`,
  /** The cumulative report a `refunded` status makes about the whole order. */
  fullRefund: (orderId: string) => `woocommerce:order:${orderId}:refunded`,
};
