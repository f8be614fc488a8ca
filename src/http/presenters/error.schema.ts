/** @module The error envelope of SPEC §2, as `error-handler.ts` writes it. */
import { z } from 'zod';
import type { ErrorCode } from '../../contract/errors.js';

const ERROR_CODES = [
  'invalid_request', 'invalid_signature', 'affiliate_not_approved', 'unauthorized', 'insufficient_permissions',
  'earnings_limit_reached', 'not_found', 'duplicate', 'invalid_transition', 'payload_too_large',
  'unsupported_media_type', 'rate_limit_exceeded', 'internal', 'unavailable',
] as const satisfies readonly ErrorCode[];

// Compile-time only: every ErrorCode is listed above (a new code must be published too).
const _everyCodeListed = (code: ErrorCode): (typeof ERROR_CODES)[number] => code;

export const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional()
      .meta({ description: '`invalid_request`: every field that was refused, and why.' }),
    conversionId: z.string().optional().meta({ description: '`duplicate`: the conversion already recorded under this order id.' }),
    retryAfter: z.int().optional().meta({ description: '`rate_limit_exceeded`: seconds to wait, as in `Retry-After`.' }),
    from: z.string().optional().meta({ description: '`invalid_transition` of a conversion: its status now.' }),
    to: z.string().optional().meta({ description: '`invalid_transition` of a conversion: the status asked for.' }),
  }),
}).meta({ id: 'Error' });

/** `GET /healthz` while the database is unreachable. */
export const healthUnavailableSchema = z.strictObject({ status: z.literal('unavailable'), error: errorSchema.shape.error }).meta({ id: 'HealthUnavailable' });
