/** @module `@conversion-hub/checkout`: the conversion-hub helper for a merchant's own server. */
export { checkoutAttribution, type CheckoutAttributionInput, type CheckoutAttributionParams, type CheckoutMode } from './checkout-attribution.js';
