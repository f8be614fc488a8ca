// https://developer.paddle.com/webhooks/overview
/**
 * @module The parts of Paddle Billing's notifications the adapter reads: the event envelope, the
 * transaction and the adjustment. Minimal and lenient (unknown fields pass, optional ones are
 * nullish). Amounts are strings holding integers in the currency's lowest denomination
 * (https://developer.paddle.com/api-reference/currencies: "10 USD is "1000" in cents… 100 JPY is "100"").
 *
 * Type variants (issue 12 audit): Paddle Billing has rendered every field the adapter reads in one
 * type since its first version (its SDK samples, fixtures/README.md); what varies is presence —
 * `transaction.paid` may lack `subscription_id` and `invoice_number`, older payloads lack
 * `grand_total_tax`, one-time prices have `billing_cycle: null` or none — and all of those are
 * nullish. Amounts stay integer strings, strictly.
 */
import { z } from 'zod';
import { MAX_MINOR_AMOUNT, parseScaledDecimal } from '../../src/lib/money.js';

const id = z.string().min(1);

/** An integer string of minor units ("4905") → 4905; never through a float. */
const minorAmount = z.string().transform((text, context) => {
  const parsed = /^\d+$/.test(text.trim()) ? parseScaledDecimal(text, 0, MAX_MINOR_AMOUNT) : null;
  if (parsed?.ok) return parsed.value;
  context.addIssue({ code: 'custom', message: `"${text}" is not an integer amount in minor units` });
  return z.NEVER;
});

const customData = z.record(z.string(), z.unknown()).nullish().transform((value) => value ?? {});

export const paddleEventSchema = z.object({
  event_id: id,
  event_type: z.string().min(1),
  occurred_at: z.iso.datetime({ offset: true }),
  notification_id: z.string().nullish(),
  data: z.record(z.string(), z.unknown()),
}).loose();
export type PaddleEvent = z.infer<typeof paddleEventSchema>;

export const transactionSchema = z.object({
  id,
  status: z.string(),
  /** `web`, `api`, `subscription_recurring`, `subscription_charge`, `subscription_update`, `subscription_payment_method_change`. */
  origin: z.string(),
  customer_id: z.string().nullish(),
  subscription_id: z.string().nullish(),
  invoice_number: z.string().nullish(),
  currency_code: z.string(),
  custom_data: customData,
  /**
   * Only whether a price recurs is read (`billing_cycle`, null for one-time prices), as a hint for a
   * transaction.paid that does not name its subscription yet: a list the adapter cannot read counts
   * as no recurring item rather than failing the sale.
   */
  items: z.array(z.object({ price: z.object({ billing_cycle: z.unknown().optional() }).loose().nullish() }).loose()).nullish().catch(null),
  details: z.object({
    totals: z.object({
      total: minorAmount,
      tax: minorAmount,
      discount: minorAmount.nullish(),
      /** Customer balance (from an earlier downgrade) used to pay this transaction. */
      credit: minorAmount.nullish(),
      /** What was charged: the total after credits. */
      grand_total: minorAmount.nullish(),
      /** The tax inside `grand_total` (added in 2026; absent on older payloads). */
      grand_total_tax: minorAmount.nullish(),
      currency_code: z.string().nullish(),
    }).loose(),
  }).loose(),
}).loose();
export type PaddleTransaction = z.infer<typeof transactionSchema>;

export const adjustmentSchema = z.object({
  id,
  /** `refund`, `credit`, `credit_reverse`, `chargeback`, `chargeback_reverse`, `chargeback_warning`, `chargeback_warning_reverse`. */
  action: z.string(),
  /** `full`, `partial`, `tax`, `proration` (not on every payload version). */
  type: z.string().nullish(),
  /** `pending_approval`, `approved`, `rejected`, `reversed`. */
  status: z.string(),
  transaction_id: id,
  subscription_id: z.string().nullish(),
  customer_id: z.string().nullish(),
  currency_code: z.string(),
  totals: z.object({ total: minorAmount, currency_code: z.string().nullish() }).loose(),
}).loose();
export type PaddleAdjustment = z.infer<typeof adjustmentSchema>;
