/**
 * @module The composition root: configuration → database → services → HTTP server, and the orderly
 * way back down on SIGTERM.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { resolveSecrets, type ResolvedSecrets } from './embedded-secrets.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, type Backend, type OpenDatabase } from './db/open-database.js';
import { createAdapters } from '../adapters/index.js';
import { createApp } from './http/create-app.js';
import { loadHubKeys, type HubKeys } from './engine/connections/hub-keys.js';
import { createHubServer } from './http/create-server.js';
import { createHubServices, type HubServices } from './hub-services.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createGuardedFetch } from './lib/guarded-fetch.js';
import type { HubLogger } from './lib/logger.js';

export interface RunningHub {
  readonly services: HubServices;
  readonly database: OpenDatabase;
  readonly server: Server;
  readonly url: string;
  readonly secrets: ResolvedSecrets;
  /** Stored events this process works on side by side; 0 for an ingest-only process. */
  readonly processingWorkers: number;
  /** Stops accepting, finishes what is in flight, closes the database. */
  stop(): Promise<void>;
}

export async function startHub(requested: Config, options: { logger: HubLogger; clock?: Clock }): Promise<RunningHub> {
  const secrets = resolveSecrets(requested);
  const database = await openDatabase(requested.database);
  let keys: HubKeys;
  try {
    await migrate(database);
    keys = await loadHubKeys(database.db, [secrets.secretKey, ...requested.previousSecretKeys]);
  } catch (error) {
    await database.close();
    throw error;
  }
  // Bind first, so the public URL can name the port actually bound when PORT=0 and no HUB_PUBLIC_URL is set.
  const server = createHubServer(requested);
  server.listen(requested.port, requested.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const config = requested.publicUrlFollowsPort ? Object.freeze({ ...requested, publicUrl: `http://localhost:${port}` }) : requested;

  const clock = options.clock ?? systemClock;
  // Adapters call processors' APIs only through this fetch: https, public addresses, checked at connect time.
  const io = { fetch: createGuardedFetch({ allowPrivateNetwork: config.allowPrivateNetwork, allowPlainHttp: false }), clock };
  // The embedded database has one session: one event at a time. PostgreSQL takes several workers,
  // or none in an ingest-only process (HUB_PROCESSING_CONCURRENCY=0) that leaves processing to others.
  const processingWorkers = database.concurrency > 1 ? (config.processingConcurrency ?? 4) : 1;
  const services = createHubServices({
    config,
    db: database.db,
    clock,
    logger: options.logger,
    keys,
    adminToken: secrets.adminToken,
    adapters: createAdapters({ io }),
    io,
    processorOptions: { concurrency: Math.max(processingWorkers, 1), batchSize: config.processingBatchSize },
    writerOptions: { maxInFlight: database.concurrency > 1 ? 4 : 1 },
  });
  server.on('request', createApp(services));
  if (processingWorkers > 0) services.processor.start();
  services.relay.start();
  services.sweeper.start();
  let stopping: Promise<void> | null = null;
  return {
    services,
    database,
    server,
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    secrets,
    processingWorkers,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        // Finish the event being processed and the webhooks in the air, then let go of the database.
        await Promise.all([services.processor.stop(), services.relay.stop(), services.sweeper.stop()]);
        await database.close();
      })();
      return stopping;
    },
  };
}

/**
 * Migrations may rightly take minutes on a large table: on a PostgreSQL server (the operator's or the
 * embedded one) they run on a connection of their own, without the serving pool's query timeout.
 * PGlite has one session.
 */
async function migrate(database: OpenDatabase): Promise<void> {
  if (database.serverUrl === null) {
    await migrateToLatest(database.db);
    return;
  }
  const migrating = await openDatabase({ kind: 'postgres', url: database.serverUrl }, { poolSize: 1, queryTimeoutMs: 0 });
  try {
    await migrateToLatest(migrating.db);
  } finally {
    await migrating.close();
  }
}

/** The start-up banner of SPEC §1, as lines of text. */
export function bannerLines(hub: RunningHub, config: Config): string[] {
  const lines = [
    `conversion-hub is listening on ${hub.services.config.publicUrl} (bound to ${config.host}:${(hub.server.address() as AddressInfo).port})`,
    `database: ${hub.database.description}`,
    hub.processingWorkers > 0
      ? `processing: ${hub.processingWorkers} at a time${config.processingBatchSize > 1 ? `, plain purchases in batches of up to ${config.processingBatchSize}` : ', every event on its own'}`
      : 'processing: off (HUB_PROCESSING_CONCURRENCY=0); this process stores deliveries for other hub processes to process',
  ];
  lines.push(...durabilityLines(hub.database.backend));
  if (hub.secrets.generatedAdminToken) {
    const { token, storedIn } = hub.secrets.generatedAdminToken;
    lines.push(`admin token (shown once${storedIn ? `, kept in ${storedIn}` : ''}): ${token}`);
  } else if (hub.secrets.adminToken === null) {
    lines.push('admin API: disabled (set HUB_ADMIN_TOKEN to enable /admin/v1)');
  } else {
    lines.push('admin API: enabled at /admin/v1');
  }
  lines.push(config.metricsToken === null
    ? 'metrics: /metrics is open to anyone who can reach this port (set HUB_METRICS_TOKEN to require a bearer token)'
    : 'metrics: /metrics requires HUB_METRICS_TOKEN as a bearer token');
  return lines;
}

/** What the embedded databases promise, in the banner (SPEC §1); an operator's PostgreSQL is theirs to describe. */
export function durabilityLines(backend: Backend): string[] {
  if (backend === 'embedded') {
    return [
      '  Durable: every acknowledged delivery is on disk (fsync, synchronous commit) and survives a crash of this process,',
      '  of the operating system or a power loss. The server runs only while this hub runs; for several hub processes,',
      '  replicas or backups, set DATABASE_URL to a PostgreSQL server you operate.',
    ];
  }
  if (backend === 'pglite') {
    return [
      '  The embedded database survives a crash of this process, but not a crash of the operating system or a power',
      '  loss (PGlite does not fsync). A new HUB_DATA_DIR gets the embedded PostgreSQL server, which does; for',
      '  production, and for any money that matters, set DATABASE_URL to PostgreSQL.',
    ];
  }
  if (backend === 'memory') return ['  In memory: everything is gone when this process stops.'];
  return [];
}
