/** @module The GoPay adapter. */
export { createGoPayAdapter, GOPAY_EVENT_TYPE } from './gopay-adapter.js';
