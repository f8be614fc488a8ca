/**
 * HTTP requests exactly as the fault suite means them: any bytes, any headers, a fresh connection
 * each (so a connection the server closed on purpose never poisons the next request), and always a
 * client-side timeout — a request that gets no answer is reported, never waited on forever.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as given (no normalisation, no encoding). */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  /** Send the body with Transfer-Encoding: chunked, in pieces, instead of with a Content-Length. */
  chunked?: boolean;
  timeoutMs?: number;
}

export type RawOutcome =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: string; elapsedMs: number }
  /** The connection failed or was closed before a status line arrived (refused, reset, hung up). */
  | { kind: 'socket-error'; code: string; message: string; elapsedMs: number }
  | { kind: 'timeout'; elapsedMs: number };

/** What is kept of a response body: the hub's answers are small, a runaway one is cut. */
const MAX_RESPONSE_BODY = 256 * 1024;
const CHUNK = 16 * 1024;

export function sendRaw(baseUrl: string, input: RawRequest): Promise<RawOutcome> {
  const url = new URL(baseUrl);
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string | string[]> = { ...input.headers };
    const body = input.body === undefined ? undefined : Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body, 'utf8');
    if (input.chunked) headers['Transfer-Encoding'] = 'chunked';
    else if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['Content-Length'] = String(body.length);
    const outgoing = request({ host: url.hostname, port: url.port, method: input.method, path: input.path, headers, agent: false });
    const timer = setTimeout(() => {
      settle({ kind: 'timeout', elapsedMs: elapsed() });
      outgoing.destroy();
    }, input.timeoutMs ?? 10_000);
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => settle({ kind: 'response', status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), elapsedMs: elapsed() });
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', finish);
      // The status line arrived: a connection closed while the body streams is still that answer.
      response.on('error', finish);
      response.on('aborted', finish);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'socket-error', code: error.code ?? 'ERROR', message: error.message, elapsedMs: elapsed() }));
    if (body === undefined) {
      outgoing.end();
    } else if (input.chunked) {
      for (let offset = 0; offset < body.length; offset += CHUNK) outgoing.write(body.subarray(offset, offset + CHUNK));
      outgoing.end();
    } else {
      outgoing.end(body);
    }
  });
}

/** Parses a JSON answer, or null when it is not JSON. */
export function jsonOf(outcome: RawOutcome): unknown {
  if (outcome.kind !== 'response') return null;
  try {
    return JSON.parse(outcome.body) as unknown;
  } catch {
    return null;
  }
}

/** Runs `work` over every item with at most `concurrency` in flight; stops starting new ones once `shouldStop` says so. */
export async function runBounded<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>, shouldStop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !shouldStop()) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
