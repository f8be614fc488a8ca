/**
 * @module Text PostgreSQL can store. Neither `text` nor `jsonb` can hold the NUL character, and
 * `jsonb` refuses an unpaired UTF-16 surrogate (`"\ud800"`); both arrive in authentic deliveries
 * and in the errors they cause, and a refused write of a failure is a failure that cannot be
 * recorded. So every string on its way to the database is made storable here, in one place: the
 * drivers pass every parameter through `storableParameters`, every JSON document is serialised
 * by `toJsonb`, and what an adapter maps a delivery to is repaired by `storableValue` before the
 * engine works with it (so what it compares is what it stores). Both characters become U+FFFD, the Unicode replacement character. Client input of
 * the API is refused at the edge instead (a 400 naming the field), so this only ever rewrites what
 * processors sent or errors say.
 */

const REPLACEMENT = '\uFFFD';

function needsRepair(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

export function storableText(text: string): string {
  return needsRepair(text) ? text.toWellFormed().replaceAll('\u0000', REPLACEMENT) : text;
}

/**
 * A value with every string and key in it storable, copied only where something changed. For
 * what the engine keeps and compares in memory as well as stores (an adapter's records): the copy in
 * memory must be the text the database will hold.
 */
export function storableValue<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => storableValue(item));
    return (items.some((item, index) => item !== value[index]) ? items : value) as T;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value);
  const repaired = entries.map(([key, item]) => [storableText(key), storableValue(item)] as const);
  const changed = repaired.some(([key, item], index) => key !== entries[index]?.[0] || item !== entries[index]?.[1]);
  return (changed ? Object.fromEntries(repaired) : value) as T;
}

/** Query parameters with every string (and every string in an array) made storable; others untouched. */
export function storableParameters(values: readonly unknown[]): unknown[] {
  return values.map((value) => {
    if (typeof value === 'string') return storableText(value);
    if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? storableText(item) : item));
    return value;
  });
}

function storableKeys(value: object): object {
  const entries = Object.entries(value);
  if (!entries.some(([key]) => needsRepair(key))) return value;
  return Object.fromEntries(entries.map(([key, item]) => [storableText(key), item]));
}

/** JSON text for a `jsonb` column: every string and every key storable. */
export function toJsonb(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return storableText(item);
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) return storableKeys(item);
    return item;
  });
}

function jsonbKeyOrder(first: string, second: string): number {
  const a = Buffer.from(first, 'utf8');
  const b = Buffer.from(second, 'utf8');
  return a.length - b.length || Buffer.compare(a, b);
}

/**
 * A JSON value with its objects' keys in the order `jsonb` keeps them (shorter keys first, then byte
 * order), so a document held in memory reads exactly like the same document read back from the
 * database: what is announced does not depend on whether it was re-read.
 */
export function inJsonbOrder<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => inJsonbOrder(item)) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value).sort(([first], [second]) => jsonbKeyOrder(first, second));
  return Object.fromEntries(entries.map(([entryKey, item]) => [entryKey, inJsonbOrder(item)])) as T;
}
