/**
 * @module The one place that classifies database failures: "the database cannot take this right
 * now" (→ 503 with Retry-After, the caller retries; background work backs off) apart from the
 * client's unstorable input (→ 400) and bugs (→ 500).
 */

/** Connection exceptions (08), insufficient resources (53), operator intervention (57P: shutdown, crash, cannot connect now). */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57P'];
/** 55000 as PostgreSQL raises it for "database is not currently accepting connections" (datallowconn off, during maintenance). */
const UNAVAILABLE_SQLSTATES = new Set(['55000']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'not queryable',
  'Client has encountered a connection error',
  'PGlite is closed',
  'driver has already been destroyed',
  'Cannot use a pool after calling end',
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (code.length === 5 && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SQLSTATE_CLASSES.some((prefix) => code.startsWith(prefix)))) return true;
  }
  if (UNAVAILABLE_MESSAGES.some((fragment) => error.message.includes(fragment))) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return depth < 3 && isDatabaseUnavailable(error.cause, depth + 1);
}

/** SQLSTATE 23505: a unique constraint said no. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '23505';
}

/**
 * SQLSTATE 22021 / 22P05: text PostgreSQL cannot store — in practice the NUL character, which
 * neither `text` nor `jsonb` can hold. The client's input, not a bug: a 400.
 */
export function isUnstorableText(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05';
}
