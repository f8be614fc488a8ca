/**
 * @module The package's public entry: the Checkout helper, whose one source is the merchant package
 * `@conversion-hub/checkout` (packages/checkout). The hub itself runs from `npm start`; nothing
 * server-side is exported here.
 */
export { checkoutAttribution, type CheckoutAttributionInput, type CheckoutAttributionParams, type CheckoutMode } from '../packages/checkout/src/checkout-attribution.js';
