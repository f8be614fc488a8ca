/**
 * @module Gumroad's notification bodies, read from the raw bytes. Gumroad posts
 * `application/x-www-form-urlencoded` by default — Rails-style nested keys (`url_params[visitor_id]`,
 * `card[visual]`) and arrays as repeated `key[]` (`purchase_ids[]=A&purchase_ids[]=B`), every value a
 * string — and JSON (nested objects, native types) to Zapier hosts or when the seller chose JSON
 * (fixtures/README.md "Format of the ping fixtures").
 */
import { MAX_FORM_KEY_DEPTH, parseFormPairs } from '../../src/lib/form-body.js';
import { asJsonObject, safeParseJson } from '../../src/lib/safe-parse-json.js';

export type GumroadBody = Record<string, unknown>;

export type ParsedBody = { ok: true; body: GumroadBody } | { ok: false; error: string };

const NESTED_KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `a[b][c]=1` → `{a: {b: {c: "1"}}}`; `a[]=1&a[]=2` → `{a: ["1", "2"]}`; a plain key stays flat. */
export function parseRailsForm(raw: Buffer | string): GumroadBody {
  const root: GumroadBody = {};
  for (const [name, value] of parseFormPairs(raw)) {
    const match = NESTED_KEY.exec(name);
    if (!match?.[2] || match[2].split('[').length > MAX_FORM_KEY_DEPTH) {
      root[name] = value;
      continue;
    }
    const path = [match[1] ?? name, ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? '')];
    const last = path.length - 1;
    let node: Record<string, unknown> = root;
    for (let index = 0; index < last; index += 1) {
      const segment = path[index] ?? '';
      // `key[]` at the end is an array; anywhere else an empty segment is kept as the key "".
      if (index === last - 1 && path[last] === '') break;
      const next = node[segment];
      if (isObject(next)) {
        node = next;
      } else {
        const created: Record<string, unknown> = {};
        node[segment] = created;
        node = created;
      }
    }
    if (path[last] === '' && last > 0) {
      const key = path[last - 1] ?? '';
      const existing = node[key];
      node[key] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [value];
    } else {
      node[path[last] ?? name] = value;
    }
  }
  return root;
}

/** JSON when the content type says so (or the body plainly is JSON), the form encoding otherwise. */
export function parseGumroadBody(rawBody: Buffer, contentType: string | undefined): ParsedBody {
  const type = (contentType ?? '').toLowerCase();
  const text = rawBody.toString('utf8');
  const looksJson = type.includes('json') || (!type.includes('form-urlencoded') && text.trimStart().startsWith('{'));
  if (looksJson) {
    const json = safeParseJson(text);
    if (!json.success) return { ok: false, error: `body is not JSON: ${json.error}` };
    const object = asJsonObject(json.value);
    return object ? { ok: true, body: object } : { ok: false, error: 'body is JSON but not an object' };
  }
  if (text.trim() === '') return { ok: false, error: 'body is empty' };
  return { ok: true, body: parseRailsForm(text) };
}
