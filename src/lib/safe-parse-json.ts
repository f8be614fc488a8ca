/**
 * @module JSON from untrusted sources: parsing bounded in depth, failure reported as a value.
 *
 * V8's `JSON.parse` itself copes with deep nesting, but everything that walks the result afterwards
 * (`JSON.stringify`, schema validation, any recursive scan) overflows the stack on a body of a few
 * thousand nested `[`: 40 KB is enough to stop a process. No processor nests anywhere near 64 levels.
 */

export const MAX_JSON_DEPTH = 64;

export type ParseJsonResult = { success: true; value: unknown } | { success: false; error: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of arrays and objects in a JSON text, counted without parsing or recursion;
 * stops counting once past `limit`. Brackets inside strings do not count.
 */
export function jsonNestingDepth(text: string, limit: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return deepest;
}

export function safeParseJson(text: Buffer | string, maxDepth: number = MAX_JSON_DEPTH): ParseJsonResult {
  const source = typeof text === 'string' ? text : text.toString('utf8');
  if (jsonNestingDepth(source, maxDepth) > maxDepth) {
    return { success: false, error: `JSON nested deeper than ${maxDepth} levels` };
  }
  try {
    return { success: true, value: JSON.parse(source) as unknown };
  } catch (error) {
    return { success: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A plain JSON object (not an array or null), or null. */
export function asJsonObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
