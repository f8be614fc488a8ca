/**
 * @module Text PostgreSQL cannot store — the NUL character (U+0000), and an unpaired UTF-16
 * surrogate (`"\ud800"` in JSON), which `jsonb` refuses — is in no legitimate id, name or amount.
 * Requests carrying it in the path, the query or a JSON body are refused here with a 400 naming
 * where it was, before any handler or statement runs. (What processors send is repaired instead,
 * in `db/storable.ts`: a delivery must be stored whatever it holds.)
 */
import type { RequestHandler } from 'express';
import { ValidationError } from '../../contract/errors.js';

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain the NUL character (\\u0000) or an unpaired surrogate (\\ud800–\\udfff)';

function isUnstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/**
 * The path (dotted, with indexes) of the first string or key holding unstorable text, or null.
 * Walks with an explicit stack: parsed bodies are depth-limited, but a scan must never be the thing
 * that overflows the call stack.
 */
export function findUnstorableText(root: unknown, rootPath: string): string | null {
  // Each entry: a value, its path, and whether the key that names it is itself unstorable.
  const stack: [unknown, string, boolean][] = [[root, rootPath, false]];
  while (stack.length > 0) {
    const [value, path, badKey] = stack.pop() as [unknown, string, boolean];
    if (badKey) return path;
    if (typeof value === 'string') {
      if (isUnstorable(value)) return path;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    // Pushed in reverse so the first offending field in document order is the one reported.
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, item] = entries[index] as readonly [string, unknown];
      stack.push([item, path ? `${path}.${key}` : key, !Array.isArray(value) && isUnstorable(key)]);
    }
  }
  return null;
}

function refusal(field: string): ValidationError {
  return new ValidationError(`${field} ${UNSTORABLE_TEXT_MESSAGE}`, [{ field, message: UNSTORABLE_TEXT_MESSAGE }]);
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Refuses unstorable text in the URL path and query (mounted before the routes). */
export function refuseUnstorableTextInUrl(): RequestHandler {
  return (req, _res, next) => {
    if (isUnstorable(decodedPath(req.path))) {
      next(refusal('path'));
      return;
    }
    const inQuery = findUnstorableText(req.query, '');
    next(inQuery ? refusal(inQuery) : undefined);
  };
}

/** Refuses unstorable text anywhere in a parsed body. */
export function refuseUnstorableTextInBody(body: unknown): ValidationError | null {
  const found = findUnstorableText(body, '');
  return found === null ? null : refusal(found || 'body');
}
