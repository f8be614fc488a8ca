/**
 * @module The one redaction layer of the hub's logs (SPEC §13: secrets, tokens, keys and query strings
 * never logged; customer emails never in clear). Every log line passes through `redactLogFields`
 * (pino's `formatters.log`, see logger.ts), whoever wrote it: a request line, an event outcome, an error.
 *
 * Two rules, because callers are trusted to pass facts but not to know every way a secret travels:
 * - by name: a field whose name says secret (token, key, signature, cookie, email, body, query, …) is
 *   masked whatever it holds, at any depth;
 * - by shape: inside any text that is logged (an error's message, a URL someone put in a field),
 *   query strings, bearer credentials, the hub's and processors' key formats and email addresses are
 *   masked, since an error message from a library may quote a URL or a header.
 *
 * pino's own `redact` option is not used: it masks fixed paths (wildcards one level deep), which can
 * express neither "any field named like a secret, wherever it is" nor "an email inside a message".
 */

export const REDACTED = '[redacted]';

/** Words that make a field secret wherever they appear in its name (`stripeSignature`, `x-api-key`, `customer_email`). */
const SECRET_WORDS = new Set([
  'authorization', 'auth', 'bearer', 'cookie', 'cookies', 'credential', 'credentials', 'email', 'emails', 'key', 'keys',
  'passwd', 'password', 'passwords', 'secret', 'secrets', 'signature', 'signatures', 'token', 'tokens',
]);

/** Whole field names that carry what a request sent: never logged, whatever their content. */
const SECRET_NAMES = new Set(['body', 'rawbody', 'payload', 'query', 'querystring', 'search', 'headers']);

const MAX_DEPTH = 6;

/** `customerEmail` → customer, email; `x-api-key` → x, api, key; `HUB_SECRET_KEY` → hub, secret, key. */
function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter((word) => word !== '');
}

export function isSecretFieldName(name: string): boolean {
  if (SECRET_NAMES.has(name.toLowerCase().replace(/[^a-z]/g, ''))) return true;
  return nameWords(name).some((word) => SECRET_WORDS.has(word));
}

/** Shapes of secrets and personal data inside free text, each with what replaces it. */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  // A query string (`?token=…`, `?api_key=…&order_id=…`): its names and values alike.
  [/\?[^\s"'<>?#=&]+=[^\s"'<>#]*/g, `?${REDACTED}`],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // The hub's API keys and admin tokens, Stripe and Standard Webhooks secrets, Paddle notification secrets.
  [/\b(hub_(?:sk|rk|admin)_|whsec_|sk_(?:live|test)_|rk_(?:live|test)_|pdl_ntfset_)[A-Za-z0-9+/=_-]+/g, `$1${REDACTED}`],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, '[email]'],
];

export function redactText(text: string): string {
  let redacted = text;
  for (const [shape, replacement] of SECRET_SHAPES) redacted = redacted.replace(shape, replacement);
  return redacted;
}

/** An error as a log line shows it: its class and message, its code when it has one, its stack only when asked (LOG_LEVEL=debug). */
function describeError(error: Error, includeStack: boolean): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' || typeof code === 'number') described.code = code;
  if (includeStack && error.stack) described.stack = redactText(error.stack);
  return described;
}

function redactValue(value: unknown, includeStack: boolean, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return describeError(value, includeStack);
  if (value instanceof Date) return value.toISOString();
  // Bytes are a body or a key: never written out.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return REDACTED;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, includeStack, depth + 1));
  return redactLogFields(value as Record<string, unknown>, includeStack, depth + 1);
}

/** The fields of one log line, redacted by name and by shape; `includeStack` keeps errors' stacks (debug level). */
export function redactLogFields(fields: Record<string, unknown>, includeStack: boolean, depth = 0): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    redacted[name] = isSecretFieldName(name) && value !== undefined && value !== null ? REDACTED : redactValue(value, includeStack, depth);
  }
  return redacted;
}
