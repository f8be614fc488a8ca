/** @module The contract adapters build against: re-exports only. */
export * from './canonical-records.js';
export * from './errors.js';
export * from './provider-adapter.js';
export * from './providers.js';
export * from './webhook-delivery.js';
