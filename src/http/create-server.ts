/**
 * @module The HTTP server and the limits that keep a slow or greedy client from holding it: whole
 * headers within 10 s, the whole request within 30 s (no processor takes longer to send 1 MiB), idle
 * keep-alive connections closed after 5 s, and at most `maxConnections` sockets open at once.
 * Node checks the two timeouts every second instead of its default 30 s, so a half-open socket is
 * cut close to the limit.
 */
import { createServer, type RequestListener, type Server } from 'node:http';

export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export function createHubServer(limits: ServerLimits, listener?: RequestListener): Server {
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: limits.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs ?? 1_000),
  }, listener);
  server.maxConnections = limits.maxConnections;
  return server;
}
