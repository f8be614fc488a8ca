/** @module The processors the hub speaks to; the id is the URL segment, the folder and a conversion's `source`. */

export const PROVIDER_IDS = ['stripe', 'paddle', 'lemonsqueezy', 'gumroad', 'gopay', 'woocommerce'] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}
