/**
 * @module What `trigger` can send: the deliveries in `fixtures/<provider>/` (shaped like the real
 * ones, see fixtures/README.md), one event type per fixture name less its variant number. GoPay's
 * "events" are the payment states its API reports (`payment.PAID`), since its notification carries
 * only a payment id; API answers, error bodies and header files are not deliveries.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROVIDER_IDS, type ProviderId } from '../../contract/providers.js';
import { usageError } from '../exit-codes.js';

export interface CatalogEntry {
  provider: ProviderId;
  /** The processor's own event name (`checkout.session.completed`, `order_created`, `payment.PAID`). */
  event: string;
  /** The fixture numbers there are of it (`checkout.session.completed.1.json` … `.5.json`). */
  variants: number[];
}

/** The repository's `fixtures/` folder, found from this file whether it runs from `src/` or `dist/src/`. */
export function fixturesDirectory(): string {
  let directory = import.meta.dirname;
  for (;;) {
    if (existsSync(join(directory, 'fixtures', 'README.md'))) return join(directory, 'fixtures');
    const parent = dirname(directory);
    if (parent === directory) throw new Error('the fixtures folder was not found next to the CLI');
    directory = parent;
  }
}

/** The version in the repository's package.json (the CLI's `--version`). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(dirname(fixturesDirectory()), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Files that are not a delivery of the provider's: API answers, error bodies, headers. */
const NOT_A_DELIVERY: Readonly<Record<ProviderId, RegExp>> = {
  stripe: /^$/,
  paddle: /^$/,
  lemonsqueezy: /^$/,
  woocommerce: /\.headers$/,
  gumroad: /^api\./,
  gopay: /^(?!payment\.)/,
};

export function listCatalog(): CatalogEntry[] {
  const root = fixturesDirectory();
  return PROVIDER_IDS.flatMap((provider) => {
    const byEvent = new Map<string, number[]>();
    for (const file of readdirSync(join(root, provider))) {
      const match = /^(.+)\.(\d+)\.json$/.exec(file);
      if (!match?.[1] || !match[2] || NOT_A_DELIVERY[provider].test(match[1])) continue;
      byEvent.set(match[1], [...(byEvent.get(match[1]) ?? []), Number(match[2])]);
    }
    return [...byEvent].map(([event, variants]) => ({ provider, event, variants: variants.sort((a, b) => a - b) }))
      .sort((left, right) => left.event.localeCompare(right.event));
  });
}

/** The fixture of `provider`'s `event`, variant `variant`, parsed; a usage error naming what exists when there is none. */
export function loadDelivery(provider: ProviderId, event: string, variant: number): Record<string, unknown> {
  const entry = listCatalog().find((candidate) => candidate.provider === provider && candidate.event === event);
  if (!entry) {
    const known = listCatalog().filter((candidate) => candidate.provider === provider).map((candidate) => candidate.event);
    throw usageError(`${provider} has no event "${event}" to send; it has: ${known.join(', ')} (see trigger --list)`);
  }
  if (!entry.variants.includes(variant)) throw usageError(`${provider} ${event} has variants ${entry.variants.join(', ')}, not ${variant}`);
  return loadFixtureFile(provider, `${event}.${variant}`);
}

/** Any fixture file by name (a delivery, its headers, an API answer). */
export function loadFixtureFile<T = Record<string, unknown>>(provider: ProviderId, name: string): T {
  return JSON.parse(readFileSync(join(fixturesDirectory(), provider, `${name}.json`), 'utf8')) as T;
}
