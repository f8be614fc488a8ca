/**
 * @module The hub's error hierarchy. Every failure a client can see is a `HubError` with one of the
 * SPEC §2 codes; `src/http/error-handler.ts` is the one place that turns a code into an HTTP status.
 */

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_signature'
  | 'affiliate_not_approved'
  | 'unauthorized'
  | 'insufficient_permissions'
  | 'earnings_limit_reached'
  | 'not_found'
  | 'duplicate'
  | 'invalid_transition'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limit_exceeded'
  | 'internal'
  | 'unavailable';

/** One problem with one request field, reported in `error.details`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class HubError extends Error {
  readonly code: ErrorCode;
  /** Extra fields merged into the `error` object of the response (e.g. `conversionId`). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.extra = options.extra ?? {};
  }
}

/** 400 `invalid_request` with per-field details. */
export class ValidationError extends HubError {
  readonly details: readonly FieldProblem[];
  constructor(message: string, details: FieldProblem[] = []) {
    super('invalid_request', message, { extra: { details } });
    this.details = details;
  }
}

/** 400 `invalid_signature`: the delivery could not be proven to come from the processor. Nothing is stored. */
export class SignatureVerificationError extends HubError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('invalid_signature', message, options);
  }
}

/** 404 `not_found`; also the answer for another merchant's ids, so existence never leaks. */
export class NotFoundError extends HubError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** 409 `duplicate`: the order id is already recorded; `conversionId` names the existing conversion. */
export class DuplicateOrderError extends HubError {
  readonly conversionId: string;
  constructor(orderId: string, conversionId: string) {
    super('duplicate', `order ${orderId} is already recorded as ${conversionId}`, { extra: { conversionId } });
    this.conversionId = conversionId;
  }
}

/** 503 `unavailable`: the database cannot take the request; the caller should retry. */
export class UnavailableError extends HubError {
  constructor(message = 'the database is unavailable; retry later', options: { cause?: unknown } = {}) {
    super('unavailable', message, options);
  }
}

/** Bad configuration found at start-up; never reaches a client. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
