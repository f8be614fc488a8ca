/**
 * @module The `fetch` for every outbound call of the hub: the one the composition root hands to
 * adapters in `AdapterIo` and the one the webhook relay posts with. It is undici's fetch on an Agent
 * whose connector applies the SSRF guard to each connection it opens — IP literals directly (Node
 * dials them without a lookup), names through the guarded lookup (the addresses checked are the ones
 * dialled, so DNS rebinding is caught) — and it never follows a redirect (the caller gets the 3xx),
 * so no URL a merchant saved can reach a private address however it is spelled.
 */
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { connectionRefusal, guardedLookup, OutboundRequestRefusedError, refusalForHost, refusalForUrl, type OutboundPolicy } from './network-guard.js';

/** A connector that refuses private hosts before dialling, and private addresses a name resolves to. */
function guardedConnector(): buildConnector.connector {
  const connectResolved = buildConnector({ lookup: guardedLookup });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (refusalForHost(host)) {
      callback(connectionRefusal(host), null);
      return;
    }
    connectResolved(options, callback);
  };
}

/** Scheme and host of a URL, for messages: never its path, query or credentials. */
function describeTarget(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

export function createGuardedFetch(policy: OutboundPolicy): typeof fetch {
  const dispatcher = new Agent(policy.allowPrivateNetwork ? {} : { connect: guardedConnector() });
  const guardedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // A Request could carry its own redirect mode and would not be checked here: callers pass a URL.
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('the guarded fetch takes a URL, not a Request');
    const url = new URL(input);
    const refusal = refusalForUrl(url, policy);
    if (refusal) throw new OutboundRequestRefusedError(`refused to call ${describeTarget(url)}: the URL ${refusal}`);
    // Only what the hub's callers use is passed on, in undici's own types: Node's global FormData is
    // not undici's class (it would be sent as "[object FormData]"), and the caller's redirect mode
    // and dispatcher are never taken.
    const { method = 'GET', headers, body = null, signal = null } = init ?? {};
    if (body instanceof FormData) throw new TypeError('the guarded fetch does not send FormData bodies');
    try {
      return await undiciFetch(url, { method, headers: Object.fromEntries(new Headers(headers)), body, signal, redirect: 'manual', dispatcher });
    } catch (error) {
      // undici reports a failed connection as TypeError('fetch failed'); the guard's refusal says more on its own.
      if (error instanceof Error && error.cause instanceof OutboundRequestRefusedError) throw error.cause;
      throw error;
    }
  };
  return guardedFetch;
}
