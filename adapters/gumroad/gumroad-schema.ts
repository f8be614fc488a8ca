// https://gumroad.com/ping
/**
 * @module The parts of Gumroad's notifications ("pings") and of its Sales API
 * (https://app.gumroad.com/api#sales, `GET /v2/sales/:id`) the adapter reads, minimal and lenient,
 * plus the connection options. A form-encoded ping carries every value as a string ("4900",
 * "true"); a JSON ping keeps native types (4900, true): both are accepted. Keys Gumroad sends only
 * when true (`test`, `is_recurring_charge`) are false when absent (fixtures/README.md, Gumroad doubts 1).
 *
 * Type variants (issue 12 audit): that string/native duality is the only one Gumroad has, and every
 * flag, id and text here already takes both; `variants` and `offer_code` (a subscription sale's
 * `variants[Tier]`, `offer_code`) are not read and pass. `price` takes both renderings of the same
 * integer of cents and nothing else ("49.00" fails).
 */
import { z } from 'zod';

/** `true`, `"true"` → true; anything else (absent, `false`, `"false"`, `""`) → false. */
const flag = z.unknown().optional().transform((value) => value === true || value === 'true');
/** A non-empty id or text; numbers (JSON) become their decimal text; "" (a form's nil) is absent. */
const text = z.union([z.string(), z.number()]).nullish().transform((value) => (value === null || value === undefined || String(value).trim() === '' ? null : String(value).trim()));
/** Integer cents as a number (JSON) or digits (form). */
const cents = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/).transform(Number)]);

export const gumroadPingSchema = z.object({
  /** `sale`, `refund`, `dispute`, `dispute_won`, `cancellation`, … (absent on some Ping-URL sales). */
  resource_name: text,
  seller_id: text,
  sale_id: text,
  order_number: text,
  subscription_id: text,
  product_id: text,
  product_name: text,
  /** USD cents, whatever `currency` says (providers.md §4.4). */
  price: cents.nullish(),
  /** The product's currency, lowercase (`usd`, `eur`, `jpy`). */
  currency: text,
  /** The original sale's time, in every ping about the sale. */
  sale_timestamp: text,
  email: text,
  purchaser_id: text,
  url_params: z.record(z.string(), z.unknown()).nullish().catch(null),
  test: flag,
  is_recurring_charge: flag,
  refunded: flag,
  disputed: flag,
  dispute_won: flag,
  cancelled_at: text,
  ended_at: text,
  updated_at: text,
  created_at: text,
}).loose();
export type GumroadPing = z.output<typeof gumroadPingSchema>;

export const gumroadOptionsSchema = z.strictObject({
  /** An OAuth token with `view_sales`: every notification is then confirmed with `GET /v2/sales/:id`. */
  accessToken: z.string().trim().min(1, 'must not be empty').max(500).optional(),
  /** Default https://api.gumroad.com. */
  apiBase: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((value) => value.replace(/\/+$/, '')).optional(),
  /** How long one Gumroad call may take before it counts as failed (and is retried with back-off). */
  requestTimeoutMs: z.number().int().min(100).max(60_000).optional(),
});
export type GumroadOptions = z.output<typeof gumroadOptionsSchema>;

export const GUMROAD_DEFAULT_API_BASE = 'https://api.gumroad.com';
export const GUMROAD_DEFAULT_TIMEOUT_MS = 15_000;

/** `{"success": true, "sale": {…}}` or `{"success": false, "message": "The sale was not found."}`. */
export const gumroadSaleResponseSchema = z.object({
  success: z.boolean(),
  message: z.string().nullish(),
  sale: z.object({
    id: z.string().min(1),
    created_at: z.string().nullish(),
    /** USD cents. */
    price: z.number().int().nonnegative(),
    /** The product currency's symbol ("$", "€", "¥"); the API gives no ISO code. */
    currency_symbol: z.string().nullish(),
    /** The sale in the product's currency, formatted ("€45", "¥4,990"). */
    formatted_total_price: z.string().nullish(),
    /** What is left to refund, in the product's currency, major units without cents when whole ("49", "12.50"). */
    amount_refundable_in_currency: z.string().nullish(),
    refunded: z.boolean().nullish(),
    partially_refunded: z.boolean().nullish(),
    /** A lost (or still open) chargeback that was not reversed. */
    chargedback: z.boolean().nullish(),
    disputed: z.boolean().nullish(),
    dispute_won: z.boolean().nullish(),
  }).loose().nullish(),
}).loose();

/** What `confirm` keeps of the Sales API's answer (stored with the event): money and dispute facts, no buyer details. */
export const gumroadConfirmationSchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    sale: z.object({
      id: z.string(),
      createdAt: z.string().nullable(),
      priceUsdCents: z.number().int().nonnegative(),
      currencySymbol: z.string().nullable(),
      formattedTotalPrice: z.string().nullable(),
      amountRefundableInCurrency: z.string().nullable(),
      refunded: z.boolean(),
      partiallyRefunded: z.boolean(),
      chargedback: z.boolean(),
      disputed: z.boolean(),
      disputeWon: z.boolean(),
    }),
  }),
  z.object({ found: z.literal(false), saleId: z.string(), detail: z.string() }),
]);
export type GumroadConfirmation = z.infer<typeof gumroadConfirmationSchema>;
export type GumroadApiSale = Extract<GumroadConfirmation, { found: true }>['sale'];
