/** @module The Paddle Billing adapter. */
export { createPaddleAdapter } from './paddle-adapter.js';
export { PADDLE_DEFAULT_TOLERANCE_SECONDS } from './paddle-signature.js';
