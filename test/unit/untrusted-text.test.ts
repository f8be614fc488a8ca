/** Parsing and storing what untrusted senders send: JSON bounded in depth, text made storable. */
import { describe, expect, it } from 'vitest';
import { storableParameters, storableText, storableValue, toJsonb } from '../../src/db/storable.js';
import { findUnstorableText } from '../../src/http/middleware/refuse-unstorable-text.js';
import { jsonNestingDepth, MAX_JSON_DEPTH, safeParseJson } from '../../src/lib/safe-parse-json.js';

describe('safeParseJson', () => {
  it('parses up to 64 levels and refuses deeper nesting without parsing it', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(safeParseJson(nested(MAX_JSON_DEPTH)).success).toBe(true);
    expect(safeParseJson(nested(MAX_JSON_DEPTH + 1))).toEqual({ success: false, error: 'JSON nested deeper than 64 levels' });
    expect(safeParseJson(nested(100_000)).success).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingDepth('{"a":"[[[[\\"[[[[","b":[1]}')).toBe(2);
    expect(safeParseJson(`{"text":"${'['.repeat(1_000)}"}`)).toEqual({ success: true, value: { text: '['.repeat(1_000) } });
  });
});

describe('storable text', () => {
  it('replaces NUL and unpaired surrogates with U+FFFD and leaves everything else, pairs included', () => {
    expect(storableText('a\u0000b\ud800c\udfffd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(storableText('plain € 😀')).toBe('plain € 😀');
  });

  it('repairs every string and key of a JSON document', () => {
    const text = toJsonb({ 'key\u0000': ['\ud800', { nested: 'x\u0000' }], fine: 1 });
    expect(JSON.parse(text)).toEqual({ 'key\uFFFD': ['\uFFFD', { nested: 'x\uFFFD' }], fine: 1 });
    expect(text).not.toMatch(/\\u0000|\\ud800/i);
  });

  it('repairs query parameters, strings in arrays included, and leaves other values alone', () => {
    const when = new Date(0);
    const bytes = Buffer.from('a\u0000');
    expect(storableParameters(['\u0000', ['ok', '\ud800'], 7, when, bytes, null])).toEqual(['\uFFFD', ['ok', '\uFFFD'], 7, when, bytes, null]);
  });

  it('copies a value only where something needed repair', () => {
    const clean = { a: 'x', b: [1, { c: 'y' }] };
    expect(storableValue(clean)).toBe(clean);
    const when = new Date(0);
    expect(storableValue({ a: 'x\u0000', when })).toEqual({ a: 'x\uFFFD', when });
  });
});

describe('findUnstorableText', () => {
  it('names the first offending field in document order, keys included, without recursion', () => {
    expect(findUnstorableText({ a: 'ok', b: { c: ['fine', 'bad\u0000'] }, d: '\ud800' }, '')).toBe('b.c.1');
    expect(findUnstorableText({ 'k\u0000': 1 }, '')).toBe('k\u0000');
    let deep: unknown = 'x\u0000';
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(findUnstorableText(deep, '')).toMatch(/^0(\.0)*$/);
  });
});
