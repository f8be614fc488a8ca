/**
 * @module Everything a request handler or background worker needs, built once at start-up and
 * passed down explicitly (no globals, no container).
 */
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { AdapterIo } from './contract/provider-adapter.js';
import type { Database } from './db/database.js';
import { ConnectionDirectory } from './engine/connection-directory.js';
import { ApprovalSweeper } from './engine/approval-sweep.js';
import { DeliveryWriter, type DeliveryWriterOptions } from './engine/delivery-writer.js';
import { EventProcessor, type EventProcessorOptions } from './engine/event-processor.js';
import { WebhookRelay } from './engine/webhook-relay.js';
import type { AdapterRegistry, PipelineDependencies } from './engine/pipeline.js';
import { countQueuedEvents } from './db/repositories/inbound-event.repository.js';
import { createHubMetrics, type HubMetrics } from './http/metrics.js';
import type { Clock } from './lib/clock.js';
import { createGuardedFetch } from './lib/guarded-fetch.js';
import { deriveKey } from './lib/hashing.js';
import type { Logger } from './lib/logger.js';
import { RateLimiter } from './lib/rate-limiter.js';

export interface HubServices extends PipelineDependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** HMAC key for personal data (emails, customer ids, IPs), derived from the master secret. */
  readonly piiKey: Buffer;
  /** AES-256-GCM key for provider secrets at rest, derived from the master secret. */
  readonly encryptionKey: Buffer;
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
  /** Approves pending conversions whose hold period has ended. */
  readonly sweeper: ApprovalSweeper;
}

const MINUTE = 60_000;

export function createHubServices(input: {
  config: Config;
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  secretKey: Buffer;
  adminToken: string | null;
  adapters: AdapterRegistry;
  io: AdapterIo;
  processorOptions?: Partial<EventProcessorOptions>;
  writerOptions?: Partial<DeliveryWriterOptions>;
  /** Relay settings tests shorten (the attempt timeout) or make deterministic (the jitter). */
  relayOptions?: { attemptTimeoutMs?: number; pollIntervalMs?: number; random?: () => number };
}): HubServices {
  const { config, clock, db } = input;
  const encryptionKey = deriveKey(input.secretKey, 'provider-secrets');
  const metrics = createHubMetrics();
  const pipeline: PipelineDependencies = {
    db,
    clock,
    logger: input.logger,
    piiKey: deriveKey(input.secretKey, 'pii-hash'),
    adapters: input.adapters,
    connections: new ConnectionDirectory({ db, encryptionKey }),
    deliveries: new DeliveryWriter(db, input.writerOptions),
    io: input.io,
    metrics,
  };
  metrics.setQueueDepthReader(() => countQueuedEvents(db));
  return Object.freeze({
    ...pipeline,
    config,
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
    sweeper: new ApprovalSweeper({ db, clock, onError: (error) => input.logger.warn('approval sweep failed', { error: error instanceof Error ? error : String(error) }) }),
  });
}
