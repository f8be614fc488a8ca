// https://docs.lemonsqueezy.com/help/webhooks/webhook-requests
/**
 * @module The parts of Lemon Squeezy's webhook bodies the adapter reads: minimal and lenient
 * (unknown fields pass, optional ones are nullish). A body is a JSON:API resource
 * (`data.{type, id, attributes}`) under `meta.{event_name, custom_data, test_mode}`. Amounts are
 * integers in the currency's smallest unit ("a positive integer in cents", docs.lemonsqueezy.com/api/orders).
 */
import { z } from 'zod';

/** Ids are numbers in attributes and strings in `data.id`; the adapter only ever compares them as text. */
const idText = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
/** Money stays strict: an integer of minor units, never a string, a fraction or a negative. */
const amount = z.number().int().nonnegative();
const timestamp = z.string().min(1);

/**
 * A yes/no attribute as Lemon Squeezy has rendered it: a JSON boolean, or the 0/1 of the column
 * behind it. Evidence: the Order object of Lemon Squeezy's 2021 API documentation carries
 * `"refunded": 0` (copied verbatim into lemonsqueezy-go's `internal/stubs/order.go`, fixture
 * `order_created.5.json`), where today's documentation and SDK types say `false`. Such a flag is a
 * hint, never money — an order's refunded money is its `refunded_amount` — so a 0/1 must not make a
 * sale `failed`. `test_mode` is the same kind of flag on the same objects and is read by the same
 * rule (no source shows it as 0/1; reading one as what it means is safer than failing the delivery).
 * Anything else (`"yes"`, 2) is not a flag and still fails.
 */
export const lemonSqueezyFlag = z.union([
  z.boolean(),
  z.literal(0).transform(() => false),
  z.literal(1).transform(() => true),
]);

export const lemonSqueezyEnvelopeSchema = z.object({
  meta: z.object({
    event_name: z.string().min(1),
    custom_data: z.record(z.string(), z.unknown()).nullish(),
    /** Not in the docs, but in every real capture (fixtures/README.md); `attributes.test_mode` is preferred. */
    test_mode: lemonSqueezyFlag.nullish(),
  }).loose(),
  data: z.object({
    type: z.string().min(1),
    id: idText,
    attributes: z.record(z.string(), z.unknown()),
  }).loose(),
}).loose();
export type LemonSqueezyEvent = z.infer<typeof lemonSqueezyEnvelopeSchema>;

/** What orders and subscription invoices both carry: money, refunds, customer, times, mode. */
const paidResourceFields = {
  status: z.string().min(1),
  currency: z.string().min(1),
  total: amount,
  tax: amount.nullish(),
  discount_total: amount.nullish(),
  /** Whether fully refunded: a hint behind `refunded_amount` (true or 1 before that field existed). */
  refunded: lemonSqueezyFlag.nullish(),
  refunded_amount: amount.nullish(),
  refunded_at: timestamp.nullish(),
  customer_id: idText.nullish(),
  user_email: z.string().nullish(),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  test_mode: lemonSqueezyFlag.nullish(),
};

/** https://docs.lemonsqueezy.com/api/orders — statuses `pending`, `failed`, `paid`, `refunded`, `fraudulent` (and `partial_refund` seen in practice). */
export const orderAttributesSchema = z.object({
  ...paidResourceFields,
  identifier: z.string().nullish(),
  order_number: idText.nullish(),
}).loose();
export type OrderAttributes = z.infer<typeof orderAttributesSchema>;

/** https://docs.lemonsqueezy.com/api/subscription-invoices — `billing_reason` `initial` | `renewal` | `updated`; status `pending` | `paid` | `void` | `refunded`. */
export const subscriptionInvoiceAttributesSchema = z.object({
  subscription_id: idText,
  billing_reason: z.string().nullish(),
  ...paidResourceFields,
}).loose();
export type SubscriptionInvoiceAttributes = z.infer<typeof subscriptionInvoiceAttributesSchema>;

/** https://docs.lemonsqueezy.com/api/subscriptions — every subscription names the order that started it. */
export const subscriptionAttributesSchema = z.object({
  order_id: idText,
  customer_id: idText.nullish(),
  status: z.string().nullish(),
  updated_at: timestamp.nullish(),
  test_mode: lemonSqueezyFlag.nullish(),
}).loose();
