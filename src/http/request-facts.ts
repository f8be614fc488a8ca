/**
 * @module What a request's log line says beyond its method and status, noted while the request is
 * handled: its request id, its route pattern where express does not know it (the webhook route is
 * served before express), and the merchant it was authenticated as.
 */
import type { ServerResponse } from 'node:http';

export interface RequestFacts {
  requestId?: string;
  /** The route pattern (`/webhooks/:provider/:connectionId`), never the URL. */
  route?: string;
  merchantId?: string;
}

// Keyed by the response, which express hands on unchanged; gone with the request, nothing to clean up.
const factsByResponse = new WeakMap<ServerResponse, RequestFacts>();

export function noteRequestFacts(res: ServerResponse, facts: RequestFacts): void {
  factsByResponse.set(res, { ...factsByResponse.get(res), ...facts });
}

export function requestFacts(res: ServerResponse): RequestFacts {
  return factsByResponse.get(res) ?? {};
}
