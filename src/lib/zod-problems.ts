/** @module zod issues as the field problems of an `invalid_request` error, and option parsing for adapters. */
import type { z } from 'zod';
import { ValidationError, type FieldProblem } from '../contract/errors.js';

export function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  const qualify = (path: string) => (prefix ? (path ? `${prefix}.${path}` : prefix) : path);
  return error.issues.flatMap((issue): FieldProblem[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: qualify(base ? `${base}.${key}` : key), message: issue.path.length === 0 && prefix === 'options' ? 'unknown option' : 'unknown field' }));
    }
    return [{ field: qualify(base) || 'body', message: issue.message }];
  });
}

/** Parses a connection's `options` with an adapter's schema, or throws naming each bad option. */
export function parseConnectionOptions<Schema extends z.ZodType>(schema: Schema, options: unknown, provider: string): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const details = problemsOf(result.error, 'options');
  throw new ValidationError(`invalid ${provider} options: ${details.map((detail) => `${detail.field}: ${detail.message}`).join('; ')}`, details);
}
