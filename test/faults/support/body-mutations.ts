/**
 * The mutation corpus for request bodies, from a processor's fixture (a JSON document or a form):
 * bit flips, truncation, invalid UTF-8, lone surrogates (as JSON escapes and as raw bytes), NUL,
 * nesting up to 100,000 levels, numbers as strings and the reverse, missing fields, empty and scalar
 * bodies, duplicate keys, prototype keys, huge strings and bodies over the 1 MiB limit. Each draw is
 * a pure function of the seeded random stream, so a corpus is reproduced from its seed.
 */
import { clone, locateAll, removeAt, serialiseWithRaw, serialiseWithRawMember, setAt, type Json, type Located } from './json-paths.js';
import type { SeededRandom } from './seeded-random.js';

export type BaseBody =
  | { format: 'json'; document: Json }
  | { format: 'form'; pairs: [string, string][] };

export interface MutatedBody {
  body: Buffer;
  /** Which mutation, for failure messages. */
  note: string;
  /** The hub may close the connection instead of answering (a body over the limit). */
  mayReset?: boolean;
}

interface Mutation {
  name: string;
  weight: number;
  apply(random: SeededRandom, base: BaseBody): MutatedBody;
}

const MEBIBYTE = 1024 * 1024;

/** Byte sequences that are not UTF-8: a lone continuation, overlong forms, a raw surrogate, 0xFF, a cut sequence. */
const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xed, 0xbf, 0xbf]),
  Buffer.from([0xff]), Buffer.from([0xfe, 0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
];
const LONE_SURROGATE_ESCAPES = ['"\\ud800"', '"\\udfff"', '"x\\ud800y"', '"\\udc00\\ud800"', '"\\ud83d"', '"\\ud800\\u0000"'];
const SCALAR_BODIES = ['null', '0', '-1', '1e400', 'true', 'false', '"text"', '""', '[]', '{}', '"\\ud800"', '[null]', '[{}]', '"\\u0000"'];
const TYPE_SWAPS: readonly Json[] = [null, [], {}, true, false, 0, -1, '', 'x', [null], { a: 1 }, 1.5, 1e21];
const EXTREME_NUMBERS = ['1e400', '-1e400', '-0', '9007199254740993', '99999999999999999999999999', '0.000000000000000000001', '-1', '1.5e-7', '123456789012345678901234567890.5'];
const TRICKY_TEXT = ['\u2028\u2029', '😀💸', '\u202egnirts', 'e\u0301\u0301\u0301', '\ufeff', '<script>alert(1)</script>', "'; drop table conversion; --", '%00', '../../etc/passwd', '${jndi:ldap://x}', '\\u0000'];

/** A leaf as text (a string as it is, anything else as JSON). */
function textOf(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function serialise(base: BaseBody): string {
  return base.format === 'json' ? JSON.stringify(base.document) : encodeForm(base.pairs);
}

function encodeForm(pairs: readonly [string, string][]): string {
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}

function leaves(document: Json): Located[] {
  return locateAll(document).filter((entry) => entry.value === null || typeof entry.value !== 'object');
}

function pickLocated(random: SeededRandom, document: Json, filter: (entry: Located) => boolean = () => true): Located | null {
  const candidates = locateAll(document).filter(filter);
  return candidates.length > 0 ? random.pick(candidates) : null;
}

function nested(depth: number, kind: 'array' | 'object', closed: boolean): string {
  const open = kind === 'array' ? '['.repeat(depth) : '{"a":'.repeat(depth);
  if (!closed) return open;
  return kind === 'array' ? `${open}${']'.repeat(depth)}` : `${open}0${'}'.repeat(depth)}`;
}

const NESTING_DEPTHS = [64, 65, 1_000, 20_000, 100_000];

/** Mutations of the bytes, whatever the format. */
const BYTE_MUTATIONS: Mutation[] = [
  { name: 'none', weight: 6, apply: (_random, base) => ({ body: Buffer.from(serialise(base), 'utf8'), note: 'unchanged' }) },
  {
    name: 'bit-flip', weight: 8, apply(random, base) {
      const body = Buffer.from(serialise(base), 'utf8');
      const flips = random.between(1, 4);
      for (let flip = 0; flip < flips && body.length > 0; flip += 1) {
        const at = random.int(body.length);
        body[at] = (body[at] ?? 0) ^ (1 << random.int(8));
      }
      return { body, note: `${flips} bit flip(s)` };
    },
  },
  {
    name: 'truncate', weight: 6, apply(random, base) {
      const body = Buffer.from(serialise(base), 'utf8');
      const at = random.int(body.length + 1);
      return { body: body.subarray(0, at), note: `truncated at ${at} of ${body.length}` };
    },
  },
  {
    name: 'invalid-utf8', weight: 6, apply(random, base) {
      const body = Buffer.from(serialise(base), 'utf8');
      const bad = random.pick(INVALID_UTF8);
      // Inside a string when the body has one (where a decoder meets it), else anywhere.
      const quote = body.indexOf(0x22, random.int(Math.max(body.length, 1)));
      const at = quote >= 0 ? quote + 1 : random.int(body.length + 1);
      return { body: Buffer.concat([body.subarray(0, at), bad, body.subarray(at)]), note: `invalid UTF-8 ${bad.toString('hex')} at ${at}` };
    },
  },
  {
    name: 'raw-nul', weight: 3, apply(random, base) {
      const body = Buffer.from(serialise(base), 'utf8');
      const at = random.int(body.length + 1);
      return { body: Buffer.concat([body.subarray(0, at), Buffer.from([0]), body.subarray(at)]), note: `raw NUL byte at ${at}` };
    },
  },
  { name: 'empty', weight: 2, apply: () => ({ body: Buffer.alloc(0), note: 'empty body' }) },
  {
    name: 'scalar', weight: 3, apply(random) {
      const text = random.pick(SCALAR_BODIES);
      return { body: Buffer.from(text, 'utf8'), note: `scalar body ${text}` };
    },
  },
  {
    name: 'whole-body-nesting', weight: 3, apply(random) {
      const depth = random.pick(NESTING_DEPTHS);
      const kind = random.pick(['array', 'object'] as const);
      const closed = random.chance(0.7);
      return { body: Buffer.from(nested(depth, kind, closed), 'utf8'), note: `body nested ${depth} ${kind} levels${closed ? '' : ', never closed'}` };
    },
  },
  {
    name: 'trailing-garbage', weight: 2, apply(random, base) {
      const tail = random.pick(['x', '}', ']]]', '{}', ' \u0000', '\r\n\r\n{"id":1}', JSON.stringify({ second: 'document' })]);
      return { body: Buffer.from(`${serialise(base)}${tail}`, 'utf8'), note: `trailing ${JSON.stringify(tail)}` };
    },
  },
  {
    name: 'byte-order-mark', weight: 1, apply: (_random, base) => ({ body: Buffer.from(`\ufeff${serialise(base)}`, 'utf8'), note: 'UTF-8 BOM first' }),
  },
  {
    name: 'oversized', weight: 1, apply(random, base) {
      const size = random.pick([MEBIBYTE + 1, Math.round(1.5 * MEBIBYTE), 3 * MEBIBYTE]);
      const text = serialise(base);
      return { body: Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(Math.max(size - text.length, 0), 0x20)]), note: `${size} bytes (over 1 MiB)`, mayReset: true };
    },
  },
];

/** Mutations of a JSON document's structure and values. */
const JSON_MUTATIONS: Mutation[] = [
  {
    name: 'lone-surrogate-escape', weight: 6, apply(random, base) {
      const document = jsonOf(base);
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'string' || entry.path.length > 0) ?? { path: [], value: null };
      const escape = random.pick(LONE_SURROGATE_ESCAPES);
      return { body: serialiseWithRaw(document, target.path, escape), note: `${escape} at ${target.path.join('.')}` };
    },
  },
  {
    name: 'raw-lone-surrogate', weight: 4, apply(random, base) {
      const document = jsonOf(base);
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'string') ?? { path: [], value: null };
      const raw = Buffer.concat([Buffer.from('"a'), random.pick([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xed, 0xb0, 0x80])]), Buffer.from('b"')]);
      return { body: serialiseWithRaw(document, target.path, raw), note: `raw surrogate bytes at ${target.path.join('.')}` };
    },
  },
  {
    name: 'nul-in-string', weight: 5, apply(random, base) {
      const document = jsonOf(base);
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'string');
      if (!target) return { body: Buffer.from(JSON.stringify('\u0000')), note: 'NUL scalar' };
      const value = random.pick(['\u0000', `${textOf(target.value)}\u0000`, '\u0000\u0000\u0000']);
      const inKey = random.chance(0.3);
      if (inKey && target.path.length > 0) {
        const parentPath = target.path.slice(0, -1);
        return { body: serialiseWithRawMember(document, parentPath, `"key\\u0000":"v",`), note: `NUL in a key under ${parentPath.join('.')}` };
      }
      return { body: Buffer.from(JSON.stringify(setAt(clone(document), target.path, value)), 'utf8'), note: `NUL in ${target.path.join('.')}` };
    },
  },
  {
    name: 'nesting', weight: 5, apply(random, base) {
      const document = jsonOf(base);
      const target = pickLocated(random, document) ?? { path: [], value: null };
      const depth = random.pick(NESTING_DEPTHS);
      const kind = random.pick(['array', 'object'] as const);
      return { body: serialiseWithRaw(document, target.path, nested(depth, kind, true)), note: `${depth} nested ${kind}s at ${target.path.join('.')}` };
    },
  },
  {
    name: 'number-as-string', weight: 5, apply(random, base) {
      const document = clone(jsonOf(base));
      const numbers = leaves(document).filter((entry) => typeof entry.value === 'number');
      const chosen = random.chance(0.5) ? numbers : numbers.filter(() => random.chance(0.3));
      for (const entry of chosen) setAt(document, entry.path, random.chance(0.8) ? textOf(entry.value) : random.pick(['', 'NaN', 'Infinity', '12,50', '0x10', '1e3', ' 5 ']));
      return { body: Buffer.from(JSON.stringify(document), 'utf8'), note: `${chosen.length} number(s) as strings` };
    },
  },
  {
    name: 'string-as-number', weight: 5, apply(random, base) {
      const document = jsonOf(base);
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'string');
      if (!target) return { body: Buffer.from(JSON.stringify(document)), note: 'no string to change' };
      const text = textOf(target.value);
      const literal = random.chance(0.5) && /^-?\d+(\.\d+)?$/.test(text) ? text : random.pick(EXTREME_NUMBERS);
      return { body: serialiseWithRaw(document, target.path, literal), note: `${target.path.join('.')} = ${literal}` };
    },
  },
  {
    name: 'extreme-number', weight: 3, apply(random, base) {
      const document = jsonOf(base);
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'number') ?? pickLocated(random, document) ?? { path: [], value: null };
      const literal = random.pick(EXTREME_NUMBERS);
      return { body: serialiseWithRaw(document, target.path, literal), note: `${target.path.join('.')} = ${literal}` };
    },
  },
  {
    name: 'missing-fields', weight: 7, apply(random, base) {
      const document = clone(jsonOf(base));
      const count = random.pick([1, 1, 2, 3, 10]);
      const removed: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const target = pickLocated(random, document, (entry) => entry.path.length > 0);
        if (!target) break;
        removeAt(document, target.path);
        removed.push(target.path.join('.'));
      }
      return { body: Buffer.from(JSON.stringify(document), 'utf8'), note: `removed ${removed.join(', ')}` };
    },
  },
  {
    name: 'type-swap', weight: 6, apply(random, base) {
      const document = clone(jsonOf(base));
      const target = pickLocated(random, document) ?? { path: [], value: null };
      const replacement = random.pick(TYPE_SWAPS);
      return { body: Buffer.from(JSON.stringify(setAt(document, target.path, replacement)), 'utf8'), note: `${target.path.join('.') || 'root'} = ${JSON.stringify(replacement)}` };
    },
  },
  {
    name: 'duplicate-key', weight: 5, apply(random, base) {
      const document = jsonOf(base);
      const objects = locateAll(document).filter((entry) => entry.value !== null && typeof entry.value === 'object' && !Array.isArray(entry.value) && Object.keys(entry.value).length > 0);
      if (objects.length === 0) return { body: Buffer.from(JSON.stringify(document)), note: 'no object for a duplicate key' };
      const target = random.pick(objects);
      const key = random.pick(Object.keys(target.value as Record<string, Json>));
      const value = random.pick<Json>(['dup', 0, null, { nested: true }, [], 'evt_duplicate_key']);
      return { body: serialiseWithRawMember(document, target.path, `${JSON.stringify(key)}:${JSON.stringify(value)},`), note: `duplicate key ${key} under ${target.path.join('.') || 'root'}` };
    },
  },
  {
    name: 'prototype-keys', weight: 2, apply(random, base) {
      const document = jsonOf(base);
      const objects = locateAll(document).filter((entry) => entry.value !== null && typeof entry.value === 'object' && !Array.isArray(entry.value));
      const target = objects.length > 0 ? random.pick(objects) : { path: [], value: {} };
      const member = random.pick(['"__proto__":{"polluted":true},', '"constructor":{"prototype":{"polluted":true}},', '"hasOwnProperty":1,', '"toString":"x",']);
      return { body: serialiseWithRawMember(document, target.path, member), note: `${member} under ${target.path.join('.') || 'root'}` };
    },
  },
  {
    name: 'tricky-text', weight: 4, apply(random, base) {
      const document = clone(jsonOf(base));
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'string') ?? { path: [], value: null };
      const text = random.pick(TRICKY_TEXT);
      return { body: Buffer.from(JSON.stringify(setAt(document, target.path, text)), 'utf8'), note: `${target.path.join('.')} = ${JSON.stringify(text)}` };
    },
  },
  {
    name: 'huge-string', weight: 2, apply(random, base) {
      const document = clone(jsonOf(base));
      const target = pickLocated(random, document, (entry) => typeof entry.value === 'string') ?? { path: [], value: null };
      const size = random.pick([10_000, 200_000, 900_000]);
      return { body: Buffer.from(JSON.stringify(setAt(document, target.path, 'x'.repeat(size))), 'utf8'), note: `${size}-character string at ${target.path.join('.')}` };
    },
  },
];

/** Mutations of a form's pairs. */
const FORM_MUTATIONS: Mutation[] = [
  {
    name: 'form-missing-fields', weight: 7, apply(random, base) {
      const pairs = formOf(base).filter(() => !random.chance(0.2));
      return { body: Buffer.from(encodeForm(pairs), 'utf8'), note: `${formOf(base).length - pairs.length} pair(s) dropped` };
    },
  },
  {
    name: 'form-duplicate-keys', weight: 5, apply(random, base) {
      const pairs = [...formOf(base)];
      const [name] = random.pick(pairs.length > 0 ? pairs : [['sale_id', 'x'] as [string, string]]);
      pairs.push([name, random.pick(['dup', '', '0', '-1', '1e400'])]);
      return { body: Buffer.from(encodeForm(pairs), 'utf8'), note: `duplicate ${name}` };
    },
  },
  {
    name: 'form-bad-escapes', weight: 8, apply(random, base) {
      const pairs = formOf(base);
      const at = random.int(Math.max(pairs.length, 1));
      const raw = random.pick(['%ED%A0%80', '%ED%B0%80', '%00', '%FF', '%E0%A4%A', '%', '%%%', '%C0%AF', '%u0000', '%F4%90%80%80']);
      const text = pairs.map(([name, value], index) => `${encodeURIComponent(name)}=${index === at ? raw : encodeURIComponent(value)}`).join('&');
      return { body: Buffer.from(text || `x=${raw}`, 'utf8'), note: `value ${at} = ${raw}` };
    },
  },
  {
    name: 'form-deep-keys', weight: 4, apply(random, base) {
      const depth = random.pick([65, 1_000, 20_000, 100_000]);
      const key = `url_params${'[a]'.repeat(depth)}`;
      return { body: Buffer.from(`${encodeForm(formOf(base))}&${key}=1`, 'utf8'), note: `form key nested ${depth} levels` };
    },
  },
  {
    name: 'form-many-pairs', weight: 2, apply(random, base) {
      const count = random.pick([1_000, 50_000]);
      return { body: Buffer.from(`${encodeForm(formOf(base))}${'&a=1'.repeat(count)}`, 'utf8'), note: `${count} extra pairs` };
    },
  },
  {
    name: 'form-numbers-as-words', weight: 5, apply(random, base) {
      const pairs = formOf(base).map(([name, value]): [string, string] => (/^-?\d+(\.\d+)?$/.test(value) && random.chance(0.5) ? [name, random.pick(['abc', '', '1e400', '-1', '0x1F', '12,50', 'NaN'])] : [name, value]));
      return { body: Buffer.from(encodeForm(pairs), 'utf8'), note: 'numeric values replaced' };
    },
  },
  {
    name: 'form-tricky-text', weight: 4, apply(random, base) {
      const pairs = formOf(base).map(([name, value]): [string, string] => [name, random.chance(0.15) ? random.pick(TRICKY_TEXT) : value]);
      return { body: Buffer.from(encodeForm(pairs), 'utf8'), note: 'tricky text in values' };
    },
  },
  {
    name: 'form-as-json', weight: 2, apply(_random, base) {
      return { body: Buffer.from(JSON.stringify(Object.fromEntries(formOf(base))), 'utf8'), note: 'the form sent as JSON' };
    },
  },
];

function jsonOf(base: BaseBody): Json {
  if (base.format !== 'json') throw new Error('a JSON mutation drawn for a form');
  return base.document;
}

function formOf(base: BaseBody): [string, string][] {
  if (base.format !== 'form') throw new Error('a form mutation drawn for JSON');
  return base.pairs;
}

function pickWeighted(random: SeededRandom, mutations: readonly Mutation[]): Mutation {
  const total = mutations.reduce((sum, mutation) => sum + mutation.weight, 0);
  let roll = random.next() * total;
  for (const mutation of mutations) {
    roll -= mutation.weight;
    if (roll < 0) return mutation;
  }
  return mutations[mutations.length - 1] as Mutation;
}

/** One mutated body drawn from the corpus for this base body. */
export function mutateBody(random: SeededRandom, base: BaseBody): MutatedBody & { mutation: string } {
  const mutation = pickWeighted(random, [...BYTE_MUTATIONS, ...(base.format === 'json' ? JSON_MUTATIONS : FORM_MUTATIONS)]);
  const result = mutation.apply(random, base);
  return { ...result, mutation: mutation.name };
}

/** The base body serialised, unchanged (what a processor would send). */
export function serialiseBase(base: BaseBody): Buffer {
  return Buffer.from(serialise(base), 'utf8');
}

/** The deeply nested JSON body of the issue (about 20,000 `[`, ~40 KB): it killed the hub in the NUL scan. */
export function deepArrayBody(depth = 20_000): Buffer {
  return Buffer.from(nested(depth, 'array', true), 'utf8');
}
