// https://docs.stripe.com/api/events/object
/**
 * @module The parts of Stripe's objects the adapter reads: minimal and lenient (unknown fields
 * pass, optional ones are nullish), covering both the current API shape and the pre-2025-03-31 one.
 *
 * Type variants (issue 12 audit): Stripe renders booleans, integers and ids natively in every API
 * version; what changes between versions is which fields exist (`charges` on a PaymentIntent until
 * 2022-11-15, `subscription`/`payment_intent` on an invoice until 2025-03-31.basil), and every such
 * field is nullish here. Deliveries of 2020-08-27, 2022-11-15, 2023-08-16 and 2025-03-31.basil map
 * unchanged (fixtures/README.md, "Published payloads"), so nothing is loosened; amounts stay
 * integers of minor units.
 */
import { z } from 'zod';

const id = z.string().min(1);
/** Stripe renders related objects as an id, or expanded as the object. */
const idOrObject = z.union([id, z.object({ id }).loose()]).nullish().transform((value) => (value === null || value === undefined ? null : typeof value === 'string' ? value : value.id));
const metadata = z.record(z.string(), z.unknown()).nullish().transform((value) => value ?? {});
const amount = z.number().int().nonnegative();

export const stripeEventSchema = z.object({
  id,
  type: z.string().min(1),
  created: z.number().int(),
  livemode: z.boolean(),
  api_version: z.string().nullish(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }).loose(),
}).loose();
export type StripeEvent = z.infer<typeof stripeEventSchema>;

export const checkoutSessionSchema = z.object({
  id,
  mode: z.enum(['payment', 'subscription', 'setup']),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  client_reference_id: z.string().nullish(),
  metadata,
  currency: z.string().nullish(),
  amount_total: amount.nullish(),
  total_details: z.object({ amount_discount: amount.nullish(), amount_shipping: amount.nullish(), amount_tax: amount.nullish() }).loose().nullish(),
  customer: idOrObject,
  customer_details: z.object({ email: z.string().nullish() }).loose().nullish(),
  customer_email: z.string().nullish(),
  payment_intent: idOrObject,
  subscription: idOrObject,
  invoice: idOrObject,
}).loose();

export const paymentIntentSchema = z.object({
  id,
  amount: amount,
  amount_received: amount.nullish(),
  currency: z.string(),
  metadata,
  customer: idOrObject,
  receipt_email: z.string().nullish(),
  latest_charge: idOrObject,
  /** Removed from PaymentIntents in API 2025-03-31; present before. */
  invoice: idOrObject,
}).loose();

const taxAmount = z.object({ amount }).loose();

export const invoiceSchema = z.object({
  id,
  billing_reason: z.string().nullish(),
  status: z.string().nullish(),
  currency: z.string(),
  amount_paid: amount,
  total: z.number().int().nullish(),
  total_excluding_tax: z.number().int().nullish(),
  total_taxes: z.array(taxAmount).nullish(),
  /** Before 2025-03-31. */
  tax: z.number().int().nullish(),
  total_discount_amounts: z.array(taxAmount).nullish(),
  customer: idOrObject,
  customer_email: z.string().nullish(),
  metadata,
  parent: z.object({
    type: z.string().nullish(),
    subscription_details: z.object({ subscription: idOrObject, metadata }).loose().nullish(),
  }).loose().nullish(),
  /** The pre-2025-03-31 shape: subscription, its metadata snapshot, payment intent and charge on the invoice. */
  subscription: idOrObject,
  subscription_details: z.object({ metadata }).loose().nullish(),
  payment_intent: idOrObject,
  charge: idOrObject,
  lines: z.object({ data: z.array(z.object({ metadata }).loose()) }).loose().nullish(),
}).loose();

export const invoicePaymentSchema = z.object({
  id,
  invoice: idOrObject,
  payment: z.object({ type: z.string(), payment_intent: idOrObject, charge: idOrObject }).loose(),
}).loose();

export const chargeSchema = z.object({
  id,
  amount,
  amount_refunded: amount,
  currency: z.string(),
  payment_intent: idOrObject,
}).loose();

export const refundSchema = z.object({
  id,
  amount,
  currency: z.string(),
  status: z.string().nullish(),
  charge: idOrObject,
  payment_intent: idOrObject,
}).loose();

export const disputeSchema = z.object({
  id,
  status: z.string(),
  charge: idOrObject,
  payment_intent: idOrObject,
}).loose();
