/**
 * @module The package's public entry for merchants' own servers: the Checkout helper. The hub
 * itself runs from `npm start`; nothing server-side is exported here.
 */
export { checkoutAttribution, type CheckoutAttributionInput, type CheckoutAttributionParams, type CheckoutMode } from '../adapters/stripe/checkout-attribution.js';
