/**
 * @module Everything a request handler or background worker needs, built once at start-up and
 * passed down explicitly (no globals, no container).
 */
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { AdapterIo } from './contract/provider-adapter.js';
import type { Database } from './db/database.js';
import { ConnectionDirectory } from './engine/connections/connection-directory.js';
import { Sweeper } from './engine/sweeps/sweeper.js';
import type { HubKeys } from './engine/connections/hub-keys.js';
import { DeliveryWriter, type DeliveryWriterOptions } from './engine/ingest/delivery-writer.js';
import { EventProcessor, type EventProcessorOptions } from './engine/process/event-processor.js';
import { WebhookRelay } from './engine/outbound/webhook-relay.js';
import type { AdapterRegistry, PipelineDependencies } from './engine/pipeline.js';
import { countQueuedEvents } from './db/repositories/inbound-event.repository.js';
import { createHubMetrics, type HubMetrics } from './observability/metrics.js';
import type { Clock } from './lib/clock.js';
import { createGuardedFetch } from './lib/guarded-fetch.js';
import type { HubLogger } from './lib/logger.js';
import type { SealingKeys } from './lib/secret-box.js';
import { RateLimiter } from './lib/rate-limiter.js';

export interface HubServices extends PipelineDependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** The logger, with the pino instance the HTTP layer's request lines go through. */
  readonly logger: HubLogger;
  /** Every key of the hub (hub-keys.ts). */
  readonly keys: HubKeys;
  /** AES-256-GCM keys of provider secrets at rest (`keys.secrets`). */
  readonly encryptionKey: SealingKeys;
  /** Bearer token of `/admin/v1`; null = the admin API is disabled. */
  readonly adminToken: string | null;
  readonly metrics: HubMetrics;
  readonly limiters: {
    readonly api: RateLimiter;
    readonly postback: RateLimiter;
    readonly clicks: RateLimiter;
  };
  readonly processor: EventProcessor;
  /** Delivers outbound webhooks from the outbox. */
  readonly relay: WebhookRelay;
  /** Periodic upkeep: approvals after the hold period, raw payload retention, re-sealing under a new master key. */
  readonly sweeper: Sweeper;
}

const MINUTE = 60_000;

export function createHubServices(input: {
  config: Config;
  db: Kysely<Database>;
  clock: Clock;
  logger: HubLogger;
  keys: HubKeys;
  adminToken: string | null;
  adapters: AdapterRegistry;
  io: AdapterIo;
  processorOptions?: Partial<EventProcessorOptions>;
  writerOptions?: Partial<DeliveryWriterOptions>;
  /** Relay settings tests shorten (the attempt timeout) or make deterministic (the jitter). */
  relayOptions?: { attemptTimeoutMs?: number; pollIntervalMs?: number; random?: () => number };
}): HubServices {
  const { config, clock, db } = input;
  const { keys } = input;
  const encryptionKey = keys.secrets;
  const metrics = createHubMetrics();
  const pipeline: PipelineDependencies = {
    db,
    clock,
    logger: input.logger,
    piiKey: keys.piiKey,
    payloadKeys: keys.payloads,
    adapters: input.adapters,
    connections: new ConnectionDirectory({ db, encryptionKey, clock }),
    deliveries: new DeliveryWriter(db, input.writerOptions),
    io: input.io,
    metrics,
  };
  metrics.setQueueDepthReader(() => countQueuedEvents(db));
  return Object.freeze({
    ...pipeline,
    logger: input.logger,
    config,
    keys,
    encryptionKey,
    adminToken: input.adminToken,
    limiters: Object.freeze({
      api: new RateLimiter({ limit: config.rateLimitPerMinute, windowMs: MINUTE, clock }),
      postback: new RateLimiter({ limit: 100, windowMs: MINUTE, clock }),
      clicks: new RateLimiter({ limit: 30, windowMs: MINUTE, clock }),
    }),
    processor: new EventProcessor(pipeline, input.processorOptions),
    // Built here from configuration, not taken from `io`: whatever fetch the adapters were given, webhooks go through the SSRF guard.
    relay: new WebhookRelay({
      db, clock, logger: input.logger, encryptionKey,
      fetch: createGuardedFetch({ allowPrivateNetwork: config.allowPrivateNetwork, allowPlainHttp: true }),
      ...input.relayOptions,
    }),
    sweeper: new Sweeper({ db, clock, logger: input.logger, keys, rawPayloadRetentionDays: config.rawPayloadRetentionDays }),
  });
}
