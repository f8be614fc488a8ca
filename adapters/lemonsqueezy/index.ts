/** @module The Lemon Squeezy adapter. */
export { createLemonSqueezyAdapter } from './lemonsqueezy-adapter.js';
