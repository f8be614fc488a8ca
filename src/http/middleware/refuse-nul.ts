/**
 * @module The NUL character (U+0000) cannot be stored in PostgreSQL text or jsonb, and no id, name or
 * amount legitimately holds one. Requests carrying it in the path, the query or a JSON body are
 * refused here with a 400 naming where it was, before any handler or statement runs.
 */
import type { RequestHandler } from 'express';
import { ValidationError } from '../../contract/errors.js';

export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

/** The path (dotted, with indexes) of the first string or key holding NUL, or null. */
export function findNulCharacter(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNulCharacter(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return itemPath;
      const found = findNulCharacter(item, itemPath);
      if (found) return found;
    }
  }
  return null;
}

function refusal(field: string): ValidationError {
  return new ValidationError(`${field} ${NUL_MESSAGE}`, [{ field, message: NUL_MESSAGE }]);
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Refuses NUL in the URL path and query (mounted before the routes). */
export function refuseNulInUrl(): RequestHandler {
  return (req, _res, next) => {
    if (decodedPath(req.path).includes('\u0000')) {
      next(refusal('path'));
      return;
    }
    const inQuery = findNulCharacter(req.query, '');
    next(inQuery ? refusal(inQuery) : undefined);
  };
}

/** Refuses NUL anywhere in a parsed body (mounted after the body parser). */
export function refuseNulInBody(body: unknown): ValidationError | null {
  const found = findNulCharacter(body, '');
  return found === null ? null : refusal(found || 'body');
}
