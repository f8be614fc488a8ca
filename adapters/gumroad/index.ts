/** @module The Gumroad adapter. */
export { createGumroadAdapter } from './gumroad-adapter.js';
