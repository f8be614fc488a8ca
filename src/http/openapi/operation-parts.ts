/**
 * @module The pieces every operation of the OpenAPI document is made of: the `{data}` and list
 * envelopes of SPEC §2, the error responses by status, the security requirements and the path
 * parameters. Request and response bodies themselves are the zod schemas the routes validate with
 * and the presenters' schemas: nothing here describes a field a second time.
 */
import { z } from 'zod';
import type { oas31, ZodOpenApiResponseObject } from 'zod-openapi';
import { errorSchema } from '../presenters/error.schema.js';

export const paginationSchema = z.strictObject({
  page: z.int().min(1),
  perPage: z.int().min(1).max(500),
  total: z.int().min(0).meta({ description: 'Items matching the filter, over every page.' }),
}).meta({ id: 'Pagination' });

export const json = <Schema extends z.ZodType>(schema: Schema) => ({ 'application/json': { schema } });

/** `{"data": …}` with `status`. */
export function dataResponse(schema: z.ZodType, description: string): ZodOpenApiResponseObject {
  return { description, content: json(z.strictObject({ data: schema })) };
}

/** `{"data": [...], "pagination": {…}}`. */
export function listResponse(item: z.ZodType, description: string): ZodOpenApiResponseObject {
  return { description, content: json(z.strictObject({ data: z.array(item), pagination: paginationSchema })) };
}

export const noContent: ZodOpenApiResponseObject = { description: 'Done; no body.' };

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: '`invalid_request` (with `details`), `invalid_signature` or `affiliate_not_approved`.',
  401: '`unauthorized`: missing, unknown or revoked credential.',
  403: '`insufficient_permissions` (a read key on a write endpoint) or `earnings_limit_reached`.',
  404: '`not_found`: no such route, or no such object for this merchant (another merchant’s ids answer the same).',
  409: '`duplicate` (with `conversionId`) or `invalid_transition`.',
  413: '`payload_too_large`: the body is over 1 MiB.',
  415: '`unsupported_media_type`: not JSON (or a form where one is accepted), or not UTF-8.',
  429: '`rate_limit_exceeded`: wait `Retry-After` seconds.',
  500: '`internal`: a bug; the hub logged it.',
  503: '`unavailable`: the database is unreachable; retry after `Retry-After` seconds.',
};

/**
 * Statuses any request can meet, whatever its route: a malformed path (400), a declared body over
 * the limit (413, refused before routing), a bug (500), the database away (503).
 */
const ALWAYS = [400, 413, 500, 503] as const;

/** The error responses of an operation: `ALWAYS` plus `statuses`, each with the SPEC §2 envelope. */
export function errorResponses(...statuses: number[]): Record<string, ZodOpenApiResponseObject> {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const status of [...new Set([...ALWAYS, ...statuses])].sort((left, right) => left - right)) {
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status] ?? 'An error.', content: json(errorSchema) };
  }
  return responses;
}

/** Errors of a merchant API read (`GET /api/v1/…`). */
export const readErrors = () => errorResponses(401, 404, 429);
/** Errors of a merchant API write: a read key is refused, bodies are checked. */
export const writeErrors = (...more: number[]) => errorResponses(401, 403, 404, 415, 429, ...more);

/** A merchant API key, write or read, as a bearer token or in `X-Api-Key`. */
export const merchantSecurity: oas31.SecurityRequirementObject[] = [{ apiKeyBearer: [] }, { apiKeyHeader: [] }];
export const adminSecurity: oas31.SecurityRequirementObject[] = [{ adminToken: [] }];

/** `{ name: string }` path parameters, for `requestParams.path`. */
export function pathIds<Name extends string>(...names: Name[]) {
  return z.strictObject(Object.fromEntries(names.map((name) => [name, z.string().min(1)])) as Record<Name, z.ZodString>);
}
