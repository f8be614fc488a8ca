/** @module The Stripe adapter. (The Checkout helper for merchants' servers is its own package: packages/checkout.) */
export { createStripeAdapter } from './stripe-adapter.js';
