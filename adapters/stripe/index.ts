/** @module The Stripe adapter and the Checkout helper for merchants' servers. */
export { createStripeAdapter } from './stripe-adapter.js';
export { checkoutAttribution, type CheckoutAttributionInput, type CheckoutAttributionParams } from './checkout-attribution.js';
