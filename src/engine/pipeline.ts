/** @module What the webhook pipeline (ingest and processing) is built from. */
import type { Kysely } from 'kysely';
import type { AdapterIo, ProviderAdapter } from '../contract/provider-adapter.js';
import type { ProviderId } from '../contract/providers.js';
import type { Database } from '../db/database.js';
import type { HubMetrics } from '../observability/metrics.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { SealingKeys } from '../lib/secret-box.js';
import type { ConnectionDirectory } from './connections/connection-directory.js';
import type { DeliveryWriter } from './ingest/delivery-writer.js';

/** The adapters this hub runs, by provider id; handed in, never imported by the engine. */
export type AdapterRegistry = Readonly<Partial<Record<ProviderId, ProviderAdapter>>>;

export interface PipelineDependencies {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly piiKey: Buffer;
  /** Seal and open raw deliveries at rest. */
  readonly payloadKeys: SealingKeys;
  readonly adapters: AdapterRegistry;
  readonly connections: ConnectionDirectory;
  /** Stores verified deliveries, grouping the ones that arrive together into one commit. */
  readonly deliveries: DeliveryWriter;
  readonly io: AdapterIo;
  readonly metrics: HubMetrics;
}
