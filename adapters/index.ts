/**
 * @module The adapter registry: a plain object from provider id to factory. `createAdapters` is
 * called once by the composition root; the engine receives the result and never imports adapters.
 */
import type { AdapterFactory, AdapterFactoryOptions, ProviderAdapter } from '../src/contract/index.js';
import type { ProviderId } from '../src/contract/providers.js';
import { createGoPayAdapter } from './gopay/index.js';
import { createGumroadAdapter } from './gumroad/index.js';
import { createLemonSqueezyAdapter } from './lemonsqueezy/index.js';
import { createPaddleAdapter } from './paddle/index.js';
import { createStripeAdapter } from './stripe/index.js';
import { createWooCommerceAdapter } from './woocommerce/index.js';

export const adapterFactories = {
  stripe: createStripeAdapter,
  paddle: createPaddleAdapter,
  lemonsqueezy: createLemonSqueezyAdapter,
  gumroad: createGumroadAdapter,
  gopay: createGoPayAdapter,
  woocommerce: createWooCommerceAdapter,
} satisfies Partial<Record<ProviderId, AdapterFactory>>;

export function createAdapters(options: AdapterFactoryOptions): Partial<Record<ProviderId, ProviderAdapter>> {
  const adapters: Partial<Record<ProviderId, ProviderAdapter>> = {};
  for (const [id, factory] of Object.entries(adapterFactories) as [ProviderId, AdapterFactory][]) adapters[id] = factory(options);
  return adapters;
}
