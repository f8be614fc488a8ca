// https://doc.gopay.com/#payment-status
/**
 * @module The parts of GoPay's REST API v3 answers the adapter reads — the payment status, the
 * refund history, the OAuth2 token and the error envelope — minimal and lenient, plus the
 * connection options. Field names per gopay-api-documentation and gopay-java-api (`Payment`,
 * `Refund`); see fixtures/README.md "GoPay fixtures".
 *
 * Type variants (issue 12 audit): GoPay's documentation writes `target.goid` as a string in requests
 * and a number in answers (create_recurrent.yml), and both are accepted; `additional_params[].value`
 * is documented as text, and a number is read as its text. The `recurrence` block (`recurrence_period` a string in requests, a number in
 * answers, create_recurrent.yml) is read only for its cycle and state, both text. Amounts stay
 * integers of minor units.
 */
import { z } from 'zod';

const positiveId = z.number().int().positive();

export const gopayOptionsSchema = z.strictObject({
  /** The merchant's GoID: payments paid to another GoID are not this connection's. */
  goid: z.union([positiveId.max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^[1-9]\d{0,18}$/, 'must be a numeric GoID')], { error: 'must be a numeric GoID' })
    .transform((value) => String(value)),
  clientId: z.string().trim().min(1, 'must not be empty').max(200),
  clientSecret: z.string().min(1, 'must not be empty').max(500),
  /** Includes the `/api` segment, as GoPay's gateways do; default https://gate.gopay.cz/api. */
  apiBase: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((value) => value.replace(/\/+$/, '')).optional(),
  /** How long one GoPay call may take before it counts as failed (and is retried with back-off). */
  requestTimeoutMs: z.number().int().min(100).max(60_000).optional(),
});
export type GoPayOptions = z.output<typeof gopayOptionsSchema>;

export const GOPAY_DEFAULT_API_BASE = 'https://gate.gopay.cz/api';
export const GOPAY_DEFAULT_TIMEOUT_MS = 15_000;

export const gopayTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  /** Seconds; GoPay's tokens live 1800 s. */
  expires_in: z.number().positive().nullish(),
}).loose();

export const gopayErrorSchema = z.object({
  errors: z.array(z.object({ error_code: z.number().nullish(), error_name: z.string().nullish(), message: z.string().nullish() }).loose()),
}).loose();

export const gopayPaymentSchema = z.object({
  id: positiveId,
  parent_id: positiveId.nullish(),
  order_number: z.string().nullish(),
  state: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().min(1),
  target: z.object({ type: z.string().nullish(), goid: z.union([z.number(), z.string()]) }).loose(),
  additional_params: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullish() }).loose()).nullish(),
  recurrence: z.object({ recurrence_cycle: z.string().nullish(), recurrence_state: z.string().nullish() }).loose().nullish(),
  payer: z.object({ contact: z.object({ email: z.string().nullish() }).loose().nullish() }).loose().nullish(),
}).loose();

export const gopayRefundSchema = z.object({
  id: z.number().int(),
  /** SUCCESS | FAILED | REQUESTED: only SUCCESS gave money back. */
  state: z.string(),
  amount: z.number().int().nonnegative(),
  currency: z.string().nullish(),
}).loose();
export const gopayRefundHistorySchema = z.array(gopayRefundSchema);

/**
 * What `confirm` keeps of GoPay's answers (stored with the event): the facts the mapping needs,
 * not the payer's card or address.
 */
export const gopayConfirmationSchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    payment: z.object({
      id: positiveId,
      parentId: positiveId.nullable(),
      orderNumber: z.string().nullable(),
      state: z.string(),
      amount: z.number().int().nonnegative(),
      currency: z.string(),
      goid: z.string(),
      startsRecurrence: z.boolean(),
      additionalParams: z.record(z.string(), z.string()),
      customerEmail: z.string().nullable(),
    }),
    /** The refund history, fetched only for PARTIALLY_REFUNDED payments. */
    refunds: z.array(z.object({ id: z.number().int(), state: z.string(), amount: z.number().int().nonnegative(), currency: z.string().nullable() })).nullable(),
  }),
  z.object({ found: z.literal(false), paymentId: z.string(), detail: z.string() }),
]);
export type GoPayConfirmation = z.infer<typeof gopayConfirmationSchema>;
