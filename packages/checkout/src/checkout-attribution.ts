/**
 * @module `checkoutAttribution(...)`: the fields a merchant's server spreads into
 * `stripe.checkout.sessions.create(...)` so every object Stripe creates from the session — the
 * session itself, its PaymentIntent or subscription, and the subscription's invoices — carries the
 * hub's attribution (SPEC §7).
 *
 *   const session = await stripe.checkout.sessions.create({
 *     mode: 'payment', line_items, success_url,
 *     ...checkoutAttribution({ visitorId, clickId, programId }, { mode: 'payment' }),
 *   });
 *
 * The mode may also travel in the one argument SPEC §7 shows: `checkoutAttribution({ visitorId,
 * clickId, programId, mode })`. It is required either way: Stripe refuses `payment_intent_data` in
 * subscription mode and `subscription_data` in payment mode, so guessing would break one of them.
 */

export interface CheckoutAttributionInput {
  /** `hub_vid` from the landing URL or `conversionHub.visitorId()`. */
  visitorId?: string | null | undefined;
  /** `hub_click` from the landing URL or `conversionHub.clickId()`. */
  clickId?: string | null | undefined;
  /** The hub campaign id, when the checkout belongs to a specific program. */
  programId?: string | null | undefined;
  /** The session's mode, when not given as the second argument. */
  mode?: CheckoutMode | undefined;
}

export type CheckoutMode = 'payment' | 'subscription';

export type CheckoutAttributionParams = {
  client_reference_id?: string;
  metadata: Record<string, string>;
} & (
  | { payment_intent_data: { metadata: Record<string, string> } }
  | { subscription_data: { metadata: Record<string, string> } }
);

const ID_SHAPE = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * Builds the session params. Values that are not plain ids (empty, too long, odd characters) are
 * left out rather than sent, so a tampered cookie cannot break the checkout.
 */
export function checkoutAttribution(input: CheckoutAttributionInput, options?: { mode: CheckoutMode }): CheckoutAttributionParams {
  const mode = options?.mode ?? input.mode;
  if (mode !== 'payment' && mode !== 'subscription') {
    throw new TypeError(`checkoutAttribution needs the Checkout Session's mode, 'payment' or 'subscription' (got ${JSON.stringify(mode ?? null)}): `
      + 'pass { mode } as the second argument or in the first; Stripe refuses payment_intent_data in subscription mode and subscription_data in payment mode');
  }
  const metadata: Record<string, string> = {};
  const add = (key: string, value: string | null | undefined) => {
    if (typeof value === 'string' && ID_SHAPE.test(value)) metadata[key] = value;
  };
  add('visitor_id', input.visitorId);
  add('click_id', input.clickId);
  add('program_id', input.programId);
  const clickId = metadata.click_id;
  const base = { ...(clickId ? { client_reference_id: clickId } : {}), metadata: { ...metadata } };
  return mode === 'payment'
    ? { ...base, payment_intent_data: { metadata: { ...metadata } } }
    : { ...base, subscription_data: { metadata: { ...metadata } } };
}
