/**
 * @module How Lemon Squeezy ids become order ids and references.
 *
 * SPEC §7: the order id is Lemon Squeezy's order id, or the subscription invoice id for renewals.
 * Orders and subscription invoices are numbered independently (order 3598240 and invoice 3598240
 * can both exist), so each kind gets its own prefix and the two can never name the same conversion:
 * `ls_order_5218764`, `ls_invoice_3598240`.
 */

export const lemonSqueezyOrderId = {
  order: (id: string) => `ls_order_${id}`,
  subscriptionInvoice: (id: string) => `ls_invoice_${id}`,
};

export const lemonSqueezyReference = {
  order: (id: string) => `lemonsqueezy:order:${id}`,
  subscription: (id: string) => `lemonsqueezy:subscription:${id}`,
  subscriptionInvoice: (id: string) => `lemonsqueezy:subscription_invoice:${id}`,
  customer: (id: string) => `lemonsqueezy:customer:${id}`,
};
