/**
 * @module One attempt to deliver one webhook: POST the body with its signature headers, no
 * redirects followed, a hard timeout, private addresses refused at connect time.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup } from '../lib/network-guard.js';

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfterSeconds: number | null }
  | { kind: 'error'; message: string };

/** `Retry-After` as seconds (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean; now: Date },
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'conversion-hub-webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
      lookup: guardedLookup(options.allowPrivate),
      signal: AbortSignal.timeout(options.timeoutMs),
    }, (response) => {
      // The body is not used; drain it so the socket is released.
      response.resume();
      response.on('end', () => resolve({ kind: 'response', status: response.statusCode ?? 0, retryAfterSeconds: parseRetryAfter(response.headers['retry-after'], options.now) }));
      response.on('error', (error) => resolve({ kind: 'error', message: error.message }));
    });
    request.on('error', (error) => {
      resolve({ kind: 'error', message: error.name === 'AbortError' || error.name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : error.message });
    });
    request.end(body);
  });
}
