/**
 * A whole hub for one test file: a fresh database on this project's backend, the real express app
 * listening on a loopback port, a manual clock, and helpers that speak to it over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KyselyPlugin } from 'kysely';
import supertest from 'supertest';
import { readConfig, type Config } from '../../src/config.js';
import { createAdapters } from '../../adapters/index.js';
import { createApp } from '../../src/http/create-app.js';
import { createHubServer } from '../../src/http/create-server.js';
import type { EventProcessorOptions } from '../../src/engine/process/event-processor.js';
import { loadHubKeys } from '../../src/engine/connections/hub-keys.js';
import { createHubServices, type HubServices } from '../../src/hub-services.js';
import { ManualClock, type Clock } from '../../src/lib/clock.js';
import { createGuardedFetch } from '../../src/lib/guarded-fetch.js';
import { silentLogger, type HubLogger } from '../../src/lib/logger.js';
import { checkedAgainstOpenApi } from './openapi-check.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestHub {
  readonly services: HubServices;
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  readonly url: string;
  /** The master key (HUB_SECRET_KEY) this hub runs with; a second hub process on the same database needs it too. */
  readonly secretKey: Buffer;
  /** supertest bound to the listening server. */
  readonly http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/** What the HTTP helpers need of a hub: a client for it and its clock (a TestHub, or a hub started from configuration). */
export interface HubClient {
  readonly http: TestHub['http'];
  readonly clock: Clock;
}

export interface TestHubOptions {
  environment?: Record<string, string>;
  start?: Date;
  /** Run the background event worker and webhook relay (default true); tests that step by hand turn it off. */
  processInBackground?: boolean;
  relayOptions?: { attemptTimeoutMs?: number; pollIntervalMs?: number; random?: () => number };
  /** Overrides of the event worker's settings (e.g. `batchSize`). */
  processor?: Partial<EventProcessorOptions>;
  /** Plugins on the hub's own database handle (e.g. a statement counter); the test's handle stays plain. */
  databasePlugins?: KyselyPlugin[];
  /** Where the hub logs (default: nowhere); tests of what is logged pass a recording logger. */
  logger?: HubLogger;
}

export async function createTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const database = await createTestDatabase();
  const clock = new ManualClock(options.start ?? new Date('2026-03-10T12:00:00.000Z'));
  const config: Config = readConfig({ HUB_PUBLIC_URL: 'https://hub.test', ...options.environment, DATABASE_URL: 'memory://' });
  const io = adapterIo(config, clock);
  const secretKey = randomBytes(32);
  const db = (options.databasePlugins ?? []).reduce((handle, plugin) => handle.withPlugin(plugin), database.db);
  const keys = await loadHubKeys(database.db, [secretKey]);
  const services = createHubServices({
    config, db, clock, logger: options.logger ?? silentLogger, keys, adminToken: ADMIN_TOKEN,
    adapters: createAdapters({ io }), io, processorOptions: { concurrency: database.concurrency > 1 ? 8 : 1, pollIntervalMs: 20, ...options.processor },
    ...(options.relayOptions ? { relayOptions: options.relayOptions } : {}),
  });
  const server: Server = createHubServer(config, createApp(services)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  if (options.processInBackground ?? true) {
    services.processor.start();
    services.relay.start();
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    services,
    database,
    clock,
    url,
    secretKey,
    // Every response any test receives through this client is checked against the OpenAPI document.
    http: checkedAgainstOpenApi(supertest(url)),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([services.processor.stop(), services.relay.stop()]);
      await database.close();
    },
  };
}

/** What the hub hands its adapters, as `startHub` builds it: processor API calls through the SSRF guard of `config`. */
function adapterIo(config: Config, clock: Clock) {
  return { fetch: createGuardedFetch({ allowPrivateNetwork: config.allowPrivateNetwork, allowPlainHttp: false }), clock };
}

/**
 * Another hub process on the same database and master key, configured by its own `environment`
 * (e.g. restarted without HUB_ALLOW_PRIVATE_NETWORK). Its workers are not started: drain them by hand.
 */
export function createHubProcess(hub: TestHub, environment: Record<string, string> = {}, relayOptions: TestHubOptions['relayOptions'] = { attemptTimeoutMs: 2_000 }): HubServices {
  const config = readConfig({ HUB_PUBLIC_URL: 'https://hub.test', ...environment, DATABASE_URL: 'memory://' });
  const io = adapterIo(config, hub.clock);
  return createHubServices({
    config, db: hub.services.db, clock: hub.clock, logger: silentLogger, keys: hub.services.keys, adminToken: ADMIN_TOKEN,
    adapters: createAdapters({ io }), io, relayOptions,
  });
}

export interface TestMerchant {
  id: string;
  writeKey: string;
  readKey: string;
}

export async function createMerchant(hub: HubClient, body: Record<string, unknown> = {}): Promise<TestMerchant> {
  const response = await hub.http.post('/admin/v1/merchants').set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name: 'Acme Store', ...body }).expect(201);
  const data = response.body.data as { id: string; apiKeys: { write: string; read: string } };
  return { id: data.id, writeKey: data.apiKeys.write, readKey: data.apiKeys.read };
}

/** A campaign, an approved affiliate in it, and their ids. */
export async function createCampaignWithAffiliate(
  hub: HubClient,
  merchant: TestMerchant,
  campaign: Record<string, unknown> = {},
  affiliate: Record<string, unknown> = {},
): Promise<{ campaignId: string; affiliateId: string }> {
  const campaignResponse = await hub.http.post('/api/v1/campaigns').set('Authorization', `Bearer ${merchant.writeKey}`)
    .send({ name: 'Spring launch', currency: 'USD', commission: { type: 'percent', rate: 20 }, ...campaign }).expect(201);
  const campaignId = (campaignResponse.body.data as { id: string }).id;
  const affiliateResponse = await hub.http.post('/api/v1/affiliates').set('Authorization', `Bearer ${merchant.writeKey}`)
    .send({ name: 'Ada Affiliate', email: 'ada@affiliates.test', campaignId, ...affiliate }).expect(201);
  return { campaignId, affiliateId: (affiliateResponse.body.data as { id: string }).id };
}

/** A merchant ready to receive one processor's webhooks: its keys' client, campaign, affiliate, connection and one click. */
export interface ConnectedMerchant {
  api: ApiClient;
  writeKey: string;
  /** The merchant's read key (`hub_rk_…`), for what a read-only integration can see. */
  readKey: string;
  campaignId: string;
  affiliateId: string;
  connectionId: string;
  /** The connection as the API returned it on creation (e.g. its `webhookUrl`). */
  connection: Record<string, unknown>;
  clickId: string;
  visitorId: string;
}

/**
 * A merchant with a campaign, an approved affiliate in it, a connection created with `connection` (its
 * body without `campaignId`) and one recorded click — what every processor's end-to-end tests start from.
 */
export async function setUpConnectedMerchant(hub: HubClient, connection: Record<string, unknown>, campaign: Record<string, unknown> = {}): Promise<ConnectedMerchant> {
  const merchant = await createMerchant(hub);
  const api = apiClient(hub, merchant.writeKey);
  const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, campaign);
  const created = (await api.post('/api/v1/connections', { campaignId, ...connection }).expect(201)).body.data as Record<string, unknown> & { id: string };
  const click = (await api.post('/api/v1/clicks', { campaignId, affiliateId }).expect(201)).body.data as { clickId: string; visitorId: string };
  return { api, writeKey: merchant.writeKey, readKey: merchant.readKey, campaignId, affiliateId, connectionId: created.id, connection: created, clickId: click.clickId, visitorId: click.visitorId };
}

/** supertest requests carrying one API key. */
export function apiClient(hub: HubClient, key: string) {
  const auth = `Bearer ${key}`;
  return {
    get: (path: string) => hub.http.get(path).set('Authorization', auth),
    post: (path: string, body?: unknown) => hub.http.post(path).set('Authorization', auth).send(body as object),
    patch: (path: string, body?: unknown) => hub.http.patch(path).set('Authorization', auth).send(body as object),
    delete: (path: string) => hub.http.delete(path).set('Authorization', auth),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

export function adminClient(hub: TestHub) {
  return apiClient(hub, ADMIN_TOKEN);
}

/** The outbound event types a conversion can announce. */
export const ALL_CONVERSION_EVENTS = ['conversion.created', 'conversion.updated', 'conversion.reversed'];

/**
 * Subscribes an endpoint of the merchant to every conversion event, so the outbox records them
 * (events no endpoint takes are not written). The URL is on loopback: the hub needs
 * HUB_ALLOW_PRIVATE_NETWORK=1, and nothing is listening there unless the test starts a receiver.
 */
export async function subscribeToConversionEvents(api: ApiClient, url = 'http://127.0.0.1:9/conversion-events'): Promise<string> {
  const response = await api.post('/api/v1/webhook-endpoints', { url, events: ALL_CONVERSION_EVENTS }).expect(201);
  return (response.body.data as { id: string }).id;
}
