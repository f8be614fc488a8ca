/** @module The WooCommerce adapter. */
export { createWooCommerceAdapter } from './woocommerce-adapter.js';
