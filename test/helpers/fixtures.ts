/** Fixtures from `fixtures/<provider>/`, parsed fresh on every call so tests can change them freely. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export function loadFixture<T = Record<string, unknown>>(provider: string, name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, provider, `${name}.json`), 'utf8')) as T;
}

/** Every fixture of a provider (delivery bodies only: no `.headers.json`, no API responses). */
export function listFixtures(provider: string, options: { exclude?: RegExp } = {}): string[] {
  return readdirSync(join(FIXTURES, provider))
    .filter((file) => file.endsWith('.json') && !file.endsWith('.headers.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .filter((name) => !options.exclude?.test(name))
    .sort();
}

/** Sets a value at a dotted path (`data.object.metadata.click_id`), creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) ?? path] = value;
}
