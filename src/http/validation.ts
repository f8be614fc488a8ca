/** @module Request validation with zod, reported as SPEC §2 `invalid_request` details. */
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../contract/errors.js';
import { problemsOf } from '../lib/zod-problems.js';

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
