/** @module Why a `fetch` to a processor's API failed, in a few words for an event's error. */

/** "no answer within N ms", the socket's code (`ECONNRESET`, `ECONNREFUSED`), or the error's message. */
export function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  // undici reports network failures as "fetch failed" with the socket's error as the cause.
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
