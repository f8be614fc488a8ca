/**
 * @module The processor-agnostic half of the local API doubles (`gopay-api-double.ts`,
 * `gumroad-api-double.ts`): a small node:http server on loopback that records every request it
 * receives, answers through a provider-specific handler, and can be told to fail — hang (so the
 * caller times out), drop the connection, answer a status, or refuse the credentials — and then
 * recover. Tests and the demo drive the doubles; the hub only ever sees real HTTP.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the double received it. */
export interface ApiDoubleRequest {
  readonly method: string;
  /** The path below the double's base path, without the query, still percent-encoded as sent (`/v2/sales/niBD…%3D%3D`). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names lowercased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly receivedAt: Date;
  /** What the double did with it: the status it answered, or that it hung or hung up. */
  outcome: number | 'timeout' | 'disconnect';
}

/** An answer: JSON when `body` is not a string, the string as it is otherwise (an empty body too). */
export interface ApiDoubleReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** How the double misbehaves until it recovers. */
export type ApiDoubleFailure =
  /** Accepts the request and never answers: the caller's own timeout must fire. */
  | { kind: 'timeout' }
  /** Closes the connection without an answer (a crashed gateway, a reset). */
  | { kind: 'disconnect' }
  /** Answers this status with the processor's error body for it (500, 502, 503, 401, …). */
  | { kind: 'status'; status: number }
  /** Refuses every credential the way the processor does when access was revoked. */
  | { kind: 'unauthorized' };

export interface ApiDoubleFailureOptions {
  /** Fail only this many matching requests, then behave again; default: until `recover()`. */
  times?: number;
  /** Fail only the requests this picks (e.g. only the token endpoint); default: all. */
  matching?: (request: ApiDoubleRequest) => boolean;
}

export interface ApiDoubleServerOptions {
  /** Interface to listen on; default loopback. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
}

export interface ApiDoubleServer {
  /** `http://host:port` — the provider double appends its own base path. */
  readonly origin: string;
  /** Every request received, oldest first. */
  readonly requests: readonly ApiDoubleRequest[];
  fail(failure: ApiDoubleFailure, options?: ApiDoubleFailureOptions): void;
  /** Behaves again; requests left hanging by a `timeout` failure are dropped. */
  recover(): void;
  clearRequests(): void;
  close(): Promise<void>;
}

interface ActiveFailure {
  failure: ApiDoubleFailure;
  remaining: number;
  matching: (request: ApiDoubleRequest) => boolean;
}

export interface ApiDoubleServerConfig extends ApiDoubleServerOptions {
  /** Where the API lives (`/api` for GoPay, `` for Gumroad); anything outside it is a plain 404, as from a web server. */
  basePath: string;
  /** The provider's protocol: answers a well-behaved request. */
  answer(request: ApiDoubleRequest): ApiDoubleReply;
  /** The provider's error answer for a `status` or `unauthorized` failure. */
  failureReply(failure: Extract<ApiDoubleFailure, { kind: 'status' | 'unauthorized' }>, request: ApiDoubleRequest): ApiDoubleReply;
}

const MAX_BODY_BYTES = 1024 * 1024;

function flattenHeaders(message: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(message: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of message) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body over 1 MiB');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, reply: ApiDoubleReply): void {
  const isText = typeof reply.body === 'string' || reply.body === undefined;
  const payload = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
  const headers: Record<string, string> = { ...(isText ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...reply.headers };
  response.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  response.end(payload);
}

/** Starts the server; resolves once it listens. */
export async function startApiDoubleServer(config: ApiDoubleServerConfig): Promise<ApiDoubleServer> {
  const requests: ApiDoubleRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let active: ActiveFailure | null = null;

  const takeFailure = (request: ApiDoubleRequest): ApiDoubleFailure | null => {
    if (!active || !active.matching(request)) return null;
    const { failure } = active;
    active.remaining -= 1;
    if (active.remaining <= 0) active = null;
    return failure;
  };

  const server = createServer((message, response) => {
    void (async () => {
      const url = new URL(message.url ?? '/', 'http://double.local');
      const fullPath = url.pathname;
      const insideBase = fullPath === config.basePath || fullPath.startsWith(`${config.basePath}/`);
      const request: ApiDoubleRequest = {
        method: message.method ?? 'GET',
        path: insideBase ? fullPath.slice(config.basePath.length) || '/' : fullPath,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: flattenHeaders(message),
        body: await readBody(message),
        receivedAt: new Date(),
        outcome: 'timeout',
      };
      requests.push(request);
      if (!insideBase) {
        request.outcome = 404;
        send(response, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' });
        return;
      }
      const failure = takeFailure(request);
      if (failure?.kind === 'timeout') {
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      }
      if (failure?.kind === 'disconnect') {
        request.outcome = 'disconnect';
        message.socket.destroy();
        return;
      }
      const reply = failure ? config.failureReply(failure, request) : config.answer(request);
      request.outcome = reply.status;
      send(response, reply);
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(config.port ?? 0, config.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const dropHanging = () => {
    for (const response of hanging) response.destroy();
    hanging.clear();
  };

  return {
    origin: `http://${host}:${address.port}`,
    requests,
    fail(failure, options = {}) {
      active = { failure, remaining: options.times ?? Number.POSITIVE_INFINITY, matching: options.matching ?? (() => true) };
    },
    recover() {
      active = null;
      dropHanging();
    },
    clearRequests() {
      requests.length = 0;
    },
    async close() {
      dropHanging();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
