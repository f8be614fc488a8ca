/** @module Request validation with zod, reported as SPEC §2 `invalid_request` details. */
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError, type FieldProblem } from '../contract/errors.js';

export function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'unknown field' }));
    }
    return [{ field: base || 'body', message: issue.message }];
  });
}

/** Parses `value` or throws a ValidationError naming every bad field. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, what = 'request body'): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = problemsOf(result.error);
  const summary = details.map((detail) => `${detail.field}: ${detail.message}`).join('; ');
  throw new ValidationError(`invalid ${what}: ${summary}`, details);
}

/** A `:name` segment of the route; express types these loosely once middleware sits in front. */
export function pathParameter(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw new Error(`route has no :${name} parameter`);
  return value;
}
