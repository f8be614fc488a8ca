/**
 * @module Ingest: verify a delivery and store it durably (one statement, shared with the deliveries
 * that arrived alongside it). The caller answers 200 only after this resolves, i.e. after the commit;
 * any failure before that is a non-2xx the processor retries.
 */
import { NotFoundError } from '../../contract/errors.js';
import type { ProviderAdapter } from '../../contract/provider-adapter.js';
import type { WebhookDelivery } from '../../contract/webhook-delivery.js';
import { insertOrRearmDelivery } from '../../db/repositories/inbound-event.repository.js';
import { storableText, toJsonb } from '../../db/storable.js';
import type { NewInboundEvent } from '../../db/tables/inbound-event.table.js';
import { newId } from '../../lib/ids.js';
import { nextAttemptDelayMs } from '../process/backoff.js';
import type { ResolvedConnection } from '../connections/connection-directory.js';
import { sealPayload } from './stored-payload.js';
import type { PipelineDependencies } from '../pipeline.js';

export type IngestResult = { kind: 'ping' } | { kind: 'stored'; eventId: string; duplicate: boolean };

/** Headers and query parameters that carry credentials are never stored. */
const UNSTORED_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization']);
const UNSTORED_QUERY = new Set(['token', 'api_key', 'access_token']);

function without(values: Readonly<Record<string, string | undefined>>, names: Set<string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined && !names.has(name)) kept[name] = value;
  return kept;
}

/** The adapter and live connection a delivery is addressed to, found before its body is read. */
export interface DeliveryTarget {
  readonly adapter: ProviderAdapter;
  readonly connection: ResolvedConnection;
}

/**
 * Finds where a delivery goes and checks what can be checked without its body (a URL token), so
 * an unknown connection or a wrong token costs no body read. 404 for an unknown provider, an
 * unknown connection or a provider mismatch.
 */
export async function resolveDeliveryTarget(
  deps: PipelineDependencies,
  input: { provider: string; connectionId: string; request: Pick<WebhookDelivery, 'headers' | 'query' | 'method'> },
): Promise<DeliveryTarget> {
  const adapter = Object.hasOwn(deps.adapters, input.provider) ? deps.adapters[input.provider as keyof typeof deps.adapters] : undefined;
  if (!adapter) throw new NotFoundError(`provider ${input.provider}`);
  const connection = await deps.connections.find(input.connectionId);
  if (!connection || connection.context.provider !== adapter.id) throw new NotFoundError(`${adapter.id} connection`);
  adapter.verifyRequest?.(input.request, connection.context);
  return { adapter, connection };
}

export async function ingestDelivery(deps: PipelineDependencies, target: DeliveryTarget, delivery: WebhookDelivery): Promise<IngestResult> {
  const { adapter, connection } = target;
  const verified = adapter.verify(delivery, connection.context);
  if (verified.outcome === 'ping') return { kind: 'ping' };

  const receivedAt = delivery.receivedAt;
  const unreadable = verified.outcome === 'unreadable';
  const identity = {
    merchant_id: connection.context.merchantId,
    connection_id: connection.context.id,
    // Made storable here too, so twins of one group compare as the database will (delivery-writer.ts).
    provider_event_id: storableText(verified.providerEventId),
  };
  const row: NewInboundEvent = {
    ...identity,
    id: newId('ev'),
    provider: adapter.id,
    event_type: storableText(verified.eventType),
    // Processors put buyers' names, emails and addresses in their bodies: sealed before they are stored.
    ...sealPayload(deps.payloadKeys, identity, delivery.rawBody),
    headers: toJsonb(without(delivery.headers, UNSTORED_HEADERS)),
    query: toJsonb(without(delivery.query, UNSTORED_QUERY)),
    received_at: receivedAt,
    status: unreadable ? 'failed' : 'received',
    error: unreadable ? verified.error : null,
    reason: null,
    // An unreadable event is retried on the back-off schedule too: a fixed adapter then recovers it unaided.
    next_attempt_at: unreadable ? new Date(receivedAt.getTime() + nextAttemptDelayMs(1)) : receivedAt,
    trace: toJsonb(unreadable ? [`${adapter.id} delivery could not be read: ${verified.error}`] : []),
    updated_at: receivedAt,
  };

  const stored = verified.outcome === 'event' && verified.onRedelivery === 'refresh'
    ? await insertOrRearmDelivery(deps.db, row)
    : await deps.deliveries.store(row);
  return { kind: 'stored', ...stored };
}
