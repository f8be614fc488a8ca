// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
/**
 * @module The parts of a WooCommerce order webhook the adapter reads: the REST v3 order as
 * `WC_Webhook::build_payload` renders it (providers.md §6.3–6.4), minimal and lenient (unknown
 * fields pass, optional ones are nullish). Amounts are decimal strings in the store's currency with
 * the store's decimals; refunds are negative (`"-10.00"`). Dates `*_gmt` are UTC without a zone.
 *
 * Type variants (issue 12 audit), all already accepted: the REST API documentation's own order 723
 * lists its refunds as `{id, refund, total}` (no `reason`), and is `completed` with `date_paid: null`
 * (an order marked complete without a recorded payment date: the sale time falls back to
 * `date_created_gmt`); `reason` is therefore optional and unread. `meta_data[].value` is whatever
 * the store saved (strings, numbers, objects). Money stays exact decimal text.
 */
import { z } from 'zod';

/** Woo renders money as strings; a number is accepted too and read through its decimal text, never as a float. */
const decimalText = z.union([z.string(), z.number()]).transform(String);
const gmtDate = z.string().min(1).nullish();

export const wooOrderSchema = z.object({
  id: z.number().int().positive(),
  status: z.string().min(1),
  currency: z.string().min(1),
  total: decimalText,
  total_tax: decimalText.nullish(),
  shipping_total: decimalText.nullish(),
  discount_total: decimalText.nullish(),
  number: z.string().nullish(),
  order_key: z.string().nullish(),
  customer_id: z.number().int().nullish(),
  billing: z.object({ email: z.string().nullish() }).loose().nullish(),
  date_created_gmt: gmtDate,
  date_modified_gmt: gmtDate,
  date_paid_gmt: gmtDate,
  /** `{id, key, value}` for every non-internal order meta key: where the store saves the hub's keys. */
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() }).loose()).nullish(),
  /** One entry per refund, newest first: `{id, reason, total: "-x"}` (orders v2 controller `case 'refunds'`). */
  refunds: z.array(z.object({ id: z.number().int().positive(), total: decimalText, reason: z.string().nullish() }).loose()).nullish(),
}).loose();
export type WooOrder = z.infer<typeof wooOrderSchema>;
