/** @module zod building blocks shared by the request schemas. */
import { z } from 'zod';
import { normalizeCurrency } from '../lib/currencies.js';
import type { PageRequest } from '../db/repositories/pagination.js';

export const nameField = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** An id of our own, as a string; whether it exists (for this merchant) is checked later and answers 404. */
export const idField = z.string().min(1, 'must not be empty').max(100, 'is too long');

/** A money amount in major units, as a number or a decimal string; converted once the currency is known. */
export const amountField = z.union([z.number(), z.string()], { error: 'must be a number or a decimal string' });

export const currencyField = z.string().transform((value, context) => {
  const currency = normalizeCurrency(value);
  if (!currency) {
    context.addIssue({ code: 'custom', message: `"${value}" is not an ISO 4217 currency code` });
    return z.NEVER;
  }
  return currency;
});

/** ISO 8601 date or date-time, as a Date. */
export const instantField = z.string().transform((value, context) => {
  const valid = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value);
  const date = new Date(value);
  if (!valid || Number.isNaN(date.getTime())) {
    context.addIssue({ code: 'custom', message: `"${value}" is not an ISO 8601 date or date-time with a time zone` });
    return z.NEVER;
  }
  return date;
});

const positiveIntegerText = (max: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)
  .refine((value) => value >= 1 && value <= max, `must be from 1 to ${max}`);

export const pageQueryFields = {
  page: positiveIntegerText(1_000_000).optional(),
  perPage: positiveIntegerText(500).optional(),
};

export function pageRequest(query: { page?: number | undefined; perPage?: number | undefined }): PageRequest {
  return { page: query.page ?? 1, perPage: query.perPage ?? 50 };
}

/** An email address, surrounding spaces forgiven. */
export const emailField = z.string().trim().max(320, 'must be at most 320 characters').pipe(z.email({ error: 'must be an email address' }));

export const metadataField = z.record(z.string(), z.unknown()).refine((value) => JSON.stringify(value).length <= 16_384,
  'must be at most 16 KiB of JSON');
