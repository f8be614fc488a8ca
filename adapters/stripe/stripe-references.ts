/** @module How Stripe ids are named as order references, so ids of different kinds never collide. */

export const stripeReference = {
  paymentIntent: (id: string) => `stripe:payment_intent:${id}`,
  charge: (id: string) => `stripe:charge:${id}`,
  checkoutSession: (id: string) => `stripe:checkout_session:${id}`,
  invoice: (id: string) => `stripe:invoice:${id}`,
  subscription: (id: string) => `stripe:subscription:${id}`,
  customer: (id: string) => `stripe:customer:${id}`,
};

/** Refunds and disputes name the PaymentIntent (or only the charge); either leads to the order. */
export function paymentLocator(paymentIntent: string | null, charge: string | null): { reference: string } {
  if (paymentIntent) return { reference: stripeReference.paymentIntent(paymentIntent) };
  if (charge) return { reference: stripeReference.charge(charge) };
  throw new Error('the object names neither a PaymentIntent nor a charge');
}
