/**
 * @module How Lemon Squeezy ids become order ids and references.
 *
 * SPEC §5/§7: a sale's order id is Lemon Squeezy's own order id, unchanged (`5218764`: the webhook's
 * `data.id`, the id of `https://api.lemonsqueezy.com/v1/orders/5218764`), so a merchant who reports the
 * same order through the conversions API gets 409 and the listed ids are Lemon Squeezy's. A renewal is no order: it is a subscription invoice, and its order id is that
 * invoice's own id, written as the resource Lemon Squeezy names it, `subscription-invoices/3598240`.
 *
 * Why the renewal's id names its type. Orders and subscription invoices are two numbering spaces
 * that can hold the same number in one store:
 * - They are two JSON:API resource types with their own endpoints (`/v1/orders/:id`,
 *   `/v1/subscription-invoices/:id`), and JSON:API identifies a resource by its type *and* id. Lemon
 *   Squeezy's own API examples number the first of each `"id": "1"` in store 1 (docs "Retrieve an
 *   Order" and "Retrieve a Subscription Invoice"; fixtures/README.md, "Lemon Squeezy ids").
 * - Both are platform-wide counters moving at different rates, not per-store numbers (the per-store
 *   number is the order's `order_number`): one store's real deliveries of November 2025 carry
 *   orders 6859465 and 6859490 and, within the same minute, subscription invoice 5113387 (a public
 *   capture, fixtures/README.md "[cap-sub]"). The invoice counter trails the order counter by about 1.7
 *   million, so it reaches numbers the store's own orders already used; a store with a share s of
 *   the platform's orders sees about s of its later invoices land on one of its order ids.
 * A bare invoice id would then name an earlier one-time sale, and the renewal would be taken for a
 * re-delivery of that sale (SPEC §5: the order id is the idempotency key) and lost. So the one-time
 * sale keeps its id untouched and the renewal carries its type with its id, exactly as Lemon Squeezy
 * writes it in the invoice's `links.self`. Nothing Lemon Squeezy numbers as an order can ever look
 * like that.
 *
 * References (the `order_reference` rows refunds and renewals use to find their sale) stay
 * namespaced by provider and kind, so they never collide with order ids or with each other.
 */

export const lemonSqueezyOrderId = {
  order: (id: string) => id,
  subscriptionInvoice: (id: string) => `subscription-invoices/${id}`,
};

export const lemonSqueezyReference = {
  order: (id: string) => `lemonsqueezy:order:${id}`,
  subscription: (id: string) => `lemonsqueezy:subscription:${id}`,
  subscriptionInvoice: (id: string) => `lemonsqueezy:subscription_invoice:${id}`,
  customer: (id: string) => `lemonsqueezy:customer:${id}`,
};
