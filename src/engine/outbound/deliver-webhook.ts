/**
 * @module One attempt to deliver one webhook: POST the body with its signature headers through the
 * hub's guarded fetch (private addresses refused at connect time, redirects never followed), with a
 * hard timeout.
 */
import { describeFetchFailure } from '../../lib/fetch-failure.js';

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfterSeconds: number | null }
  | { kind: 'error'; message: string };

/** `Retry-After` as seconds (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export async function postWebhook(
  send: typeof fetch,
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; now: Date },
): Promise<AttemptResult> {
  try {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'conversion-hub-webhooks/1', ...headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // The body is not used: cancelling it releases the connection without reading whatever the receiver sends.
    await response.body?.cancel();
    return { kind: 'response', status: response.status, retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), options.now) };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { kind: 'error', message: timedOut ? `timed out after ${options.timeoutMs} ms` : describeFetchFailure(error, options.timeoutMs) };
  }
}
