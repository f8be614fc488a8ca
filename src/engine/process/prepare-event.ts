/**
 * @module The part of processing an event that happens outside the batch's transaction: its
 * connection, its stored body opened once, the processor's own answer where the adapter asks for one
 * (GoPay, Gumroad: network I/O, never inside a transaction), its confirmed identity, and the adapter's
 * pure mapping to canonical records. What cannot be decided by the engine (a test-mode event, an
 * ignore, a wait, an error) ends here.
 */
import type { CanonicalRecord } from '../../contract/canonical-records.js';
import type { ProviderAdapter, StoredEvent } from '../../contract/provider-adapter.js';
import { storableValue } from '../../db/storable.js';
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import type { SealingKeys } from '../../lib/secret-box.js';
import { openPayload } from '../ingest/stored-payload.js';
import type { PipelineDependencies } from '../pipeline.js';
import { settleConfirmedIdentity } from './confirmed-identity.js';
import type { DecisionContext } from './decide/decision.js';
import { eventHeader, failedFinish, ignoredFinish, waitingFinish, type EventFinish } from './event-finish.js';

export type Preparation =
  /** Records for the engine to decide. */
  | { kind: 'decide'; event: InboundEvent; header: string; context: DecisionContext; records: CanonicalRecord[] }
  /** Ended before the engine: ignored, waiting on the adapter, or failed. */
  | { kind: 'finished'; finish: EventFinish }
  /** Folded into the stored event of its confirmed identity, or re-armed meanwhile: nothing to finish. */
  | { kind: 'gone' };

export function toStoredEvent(event: InboundEvent, payloadKeys: SealingKeys): StoredEvent {
  return {
    id: event.id,
    providerEventId: event.provider_event_id,
    eventType: event.event_type,
    rawBody: openPayload(payloadKeys, event),
    headers: event.headers,
    query: event.query,
    receivedAt: event.received_at,
  };
}

export async function prepareEvent(deps: PipelineDependencies, event: InboundEvent): Promise<Preparation> {
  const now = deps.clock.now();
  let header = eventHeader(event);
  try {
    const connection = await deps.connections.findForProcessing(event.connection_id);
    const adapter: ProviderAdapter | undefined = deps.adapters[event.provider as keyof typeof deps.adapters];
    if (!connection || !adapter) throw new Error(connection ? `no adapter for ${event.provider}` : `connection ${event.connection_id} no longer exists`);
    const stored = toStoredEvent(event, deps.payloadKeys);
    const confirmation = adapter.confirm ? await adapter.confirm(stored, connection.context, deps.io) : null;
    const identity = adapter.confirmedEventId?.(stored, confirmation) ?? null;
    if (identity !== null && identity !== event.provider_event_id) {
      if ((await settleConfirmedIdentity(deps, event, identity, now)) !== 'renamed') return { kind: 'gone' };
      header = eventHeader({ ...event, provider_event_id: identity });
    }
    // Text the database cannot hold is repaired here, so the engine compares what it will store.
    const mapping = storableValue(adapter.map(stored, connection.context, confirmation));
    const { mode } = connection.context;
    if (mapping.livemode !== null && (mapping.livemode ? 'live' : 'test') !== mode) {
      const eventMode = mapping.livemode ? 'live' : 'test';
      return { kind: 'finished', finish: ignoredFinish(event, [header, `${eventMode}-mode event on a ${mode} connection → test_mode`], 'test_mode', now) };
    }
    if (mapping.outcome === 'ignore') return { kind: 'finished', finish: ignoredFinish(event, [header, `${mapping.detail} → ${mapping.reason}`], mapping.reason, now) };
    if (mapping.outcome === 'wait') return { kind: 'finished', finish: waitingFinish(event, [header, mapping.detail], now) };
    const context: DecisionContext = {
      merchantId: event.merchant_id, provider: connection.context.provider, defaultCampaignId: connection.campaignId, piiKey: deps.piiKey, now,
      receivedAt: event.received_at,
    };
    return { kind: 'decide', event, header, context, records: mapping.records };
  } catch (error) {
    deps.logger.warn('event processing failed', { eventId: event.id, provider: event.provider, attempts: event.attempts, error: error instanceof Error ? error.message : String(error) });
    return { kind: 'finished', finish: failedFinish(event, header, error, now) };
  }
}
