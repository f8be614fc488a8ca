/** @module The Stripe adapter and the Checkout helper for merchants' servers. */
export { createStripeAdapter } from './stripe-adapter.js';
export { checkoutAttribution, type CheckoutAttributionInput, type CheckoutAttributionParams, type CheckoutMode } from './checkout-attribution.js';
