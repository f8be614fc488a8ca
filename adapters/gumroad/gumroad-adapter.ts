/**
 * @module The Gumroad adapter (providers.md §4): unsigned pings authenticated by the connection's
 * URL token, read from form or JSON bodies, keyed per sale (Gumroad has no event ids), and — when
 * the connection has an access token — confirmed with the Sales API, whose figures then decide.
 */
import type { AdapterFactoryOptions, AdapterIo, ProviderAdapter, StoredEvent, VerifiedDelivery } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { sha256Hex } from '../../src/lib/hashing.js';
import { parseConnectionOptions } from '../../src/lib/zod-problems.js';
import { parseGumroadBody } from './gumroad-body.js';
import { gumroadResource, identifyGumroadPing } from './gumroad-event-identity.js';
import { fetchGumroadSale } from './gumroad-sales-api.js';
import {
  GUMROAD_DEFAULT_API_BASE,
  GUMROAD_DEFAULT_TIMEOUT_MS,
  gumroadConfirmationSchema,
  gumroadOptionsSchema,
  gumroadPingSchema,
  type GumroadOptions,
  type GumroadPing,
} from './gumroad-schema.js';
import { verifyGumroadToken } from './gumroad-signature.js';
import { mapGumroadPing } from './map-gumroad-event.js';

type Readable = { ping: GumroadPing; body: Record<string, unknown> } | { error: string };

function readPing(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): Readable {
  const parsed = parseGumroadBody(rawBody, headers['content-type']);
  if (!parsed.ok) return { error: parsed.error };
  const ping = gumroadPingSchema.safeParse(parsed.body);
  if (!ping.success) return { error: `not a Gumroad ping: ${ping.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
  return { ping: ping.data, body: parsed.body };
}

function optionsOf(connection: ConnectionContext): GumroadOptions {
  return parseConnectionOptions(gumroadOptionsSchema, connection.options, 'Gumroad');
}

export function createGumroadAdapter(_options: AdapterFactoryOptions) {
  return {
    id: 'gumroad',
    secrets: 'url_token',
    parseOptions(options: unknown) {
      return { options: parseConnectionOptions(gumroadOptionsSchema, options, 'Gumroad'), secretOptionNames: ['accessToken'], outboundUrlOptionNames: ['apiBase'] };
    },
    verifyRequest(request: Pick<WebhookDelivery, 'query'>, connection: ConnectionContext) {
      verifyGumroadToken(request.query.token, connection.secrets);
    },
    verify(delivery: WebhookDelivery, connection: ConnectionContext): VerifiedDelivery {
      verifyGumroadToken(delivery.query.token, connection.secrets);
      const read = readPing(delivery.rawBody, delivery.headers);
      const identity = 'error' in read ? null : identifyGumroadPing(read.ping, read.body);
      if (identity) return identity;
      const error = 'error' in read ? read.error : 'the ping names no sale_id or subscription_id';
      // Gumroad's retries count themselves in `retry_count`: left out, so a retried ping keeps its key.
      const stable = delivery.rawBody.toString('latin1').replace(/(^|&)retry_count=[^&]*/g, '');
      return { outcome: 'unreadable', providerEventId: `unreadable:${sha256Hex(stable).slice(0, 32)}`, eventType: 'unknown', error };
    },
    async confirm(event: StoredEvent, connection: ConnectionContext, io: AdapterIo) {
      const options = optionsOf(connection);
      if (!options.accessToken) return null;
      const read = readPing(event.rawBody, event.headers);
      if ('error' in read) throw new Error(read.error);
      const { ping } = read;
      // Subscription pings name no sale; a seller's own test purchase is ignored on a live connection anyway.
      if (!ping.sale_id || !['sale', 'refund', 'dispute', 'dispute_won'].includes(gumroadResource(ping) ?? '')) return null;
      if (ping.test && connection.mode === 'live') return null;
      return fetchGumroadSale(io, { apiBase: options.apiBase ?? GUMROAD_DEFAULT_API_BASE, accessToken: options.accessToken, timeoutMs: options.requestTimeoutMs ?? GUMROAD_DEFAULT_TIMEOUT_MS }, ping.sale_id);
    },
    map(event: StoredEvent, _connection: ConnectionContext, confirmation: unknown) {
      const read = readPing(event.rawBody, event.headers);
      if ('error' in read) throw new Error(read.error);
      let confirmed = null;
      if (confirmation !== null && confirmation !== undefined) {
        const parsed = gumroadConfirmationSchema.safeParse(confirmation);
        if (!parsed.success) throw new Error('the Sales API confirmation of this ping cannot be read');
        confirmed = parsed.data;
      }
      return mapGumroadPing(read.ping, confirmed, event);
    },
  } satisfies ProviderAdapter;
}
