/**
 * Rotating the master key (issue 11, README "Operating it"): a hub restarted with a new
 * `HUB_SECRET_KEY` and the old one in `HUB_SECRET_KEY_PREVIOUS` still opens every processor secret,
 * outbound endpoint secret and stored delivery; its sweep re-seals all of them under the new key;
 * after that the old key can go. Keyed hashes of personal data do not change with the key, so a
 * self-referral is still recognised. A key the hub has never seen stops the start with a clear error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { sealingKeysOf } from '../../src/engine/connections/hub-keys.js';
import { startHub, type RunningHub } from '../../src/hub.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { sendStripeEvent, setStripeField, setUpStripeMerchant, stripeFixture, withStripeAttribution, STRIPE_SECRET } from '../helpers/stripe.js';
import { createTestDatabase, TEST_BACKEND } from '../helpers/test-database.js';
import { ADMIN_TOKEN, apiClient, type HubClient } from '../helpers/test-hub.js';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const KEY_C = 'c3'.repeat(32);

const directories: string[] = [];
const cleanUps: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanUp of cleanUps) await cleanUp();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** The database setting of this project's backend, kept across restarts. */
async function databaseEnvironment(): Promise<Record<string, string>> {
  if (TEST_BACKEND === 'pglite') {
    const directory = mkdtempSync(join(tmpdir(), 'hub-rotation-'));
    directories.push(directory);
    return { HUB_DATA_DIR: directory };
  }
  const database = await createTestDatabase();
  await database.db.destroy();
  cleanUps.push(() => database.close().catch(() => undefined));
  return { DATABASE_URL: database.url ?? '' };
}

function start(environment: Record<string, string>): Promise<RunningHub> {
  const config = readConfig({ ...environment, PORT: '0', HOST: '127.0.0.1', HUB_ADMIN_TOKEN: ADMIN_TOKEN, HUB_PUBLIC_URL: 'https://hub.test', HUB_ALLOW_PRIVATE_NETWORK: '1' });
  return startHub(config, { logger: silentLogger });
}

const client = (hub: RunningHub): HubClient => ({ http: supertest(hub.url), clock: systemClock });

/** Waits (bounded) until the hub's background worker has processed the event. */
async function processed(api: ReturnType<typeof apiClient>, eventId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await api.get(`/api/v1/events/${eventId}`).expect(200)).body.data.status !== 'processed') {
    if (Date.now() > deadline) throw new Error(`event ${eventId} was not processed within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('rotating HUB_SECRET_KEY', () => {
  it('opens everything sealed under the old key, re-seals it under the new one, then lets the old key go', async () => {
    const database = await databaseEnvironment();
    const first = await start({ ...database, HUB_SECRET_KEY: KEY_A });
    let merchant;
    let firstEventId: string;
    try {
      merchant = await setUpStripeMerchant(client(first));
      await merchant.api.post('/api/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['conversion.created'] }).expect(201);
      const sale = withStripeAttribution(stripeFixture('checkout.session.completed.1'), { clickId: merchant.clickId, programId: merchant.campaignId });
      firstEventId = (await sendStripeEvent(client(first), merchant.connectionId, sale).expect(200)).body.eventId as string;
      await processed(merchant.api, firstEventId);
    } finally {
      await first.stop();
    }

    const rotated = await start({ ...database, HUB_SECRET_KEY: KEY_B, HUB_SECRET_KEY_PREVIOUS: KEY_A });
    try {
      const api = apiClient(client(rotated), merchant.writeKey);
      // The connection's signing secret (sealed under A) still verifies a new delivery.
      const second = setStripeField(withStripeAttribution({ ...stripeFixture('checkout.session.completed.2'), id: 'evt_after_rotation' },
        { clickId: merchant.clickId, programId: merchant.campaignId }), 'data.object.customer_details', { email: 'ADA@affiliates.test ', name: null, address: null });
      const delivered = await sendStripeEvent(client(rotated), merchant.connectionId, second).expect(200);
      await processed(api, delivered.body.eventId as string);
      // The delivery stored under A still opens, and the hash of the affiliate's email made under A still matches.
      expect((await api.get(`/api/v1/events/${firstEventId}`).expect(200)).body.data.payload).toMatchObject({ id: 'evt_1UaQ2o7HnQ2eLx4KUoP0JcyN' });
      const conversions = (await api.get('/api/v1/conversions').expect(200)).body.data as { statusReason: string | null }[];
      expect(conversions.map((conversion) => conversion.statusReason).sort()).toEqual(['self_referral', null].sort());
      expect((await api.get(`/api/v1/events/${delivered.body.eventId as string}`).expect(200)).body.data.status).toBe('processed');

      const summary = await rotated.services.sweeper.runOnce();
      expect(summary.resealed).toBeGreaterThanOrEqual(4); // connection, endpoint, hash key, first delivery
      const current = sealingKeysOf([Buffer.from(KEY_B, 'hex')]);
      const db = rotated.database.db;
      expect((await db.selectFrom('connection').select('sealed_credentials').execute()).every((row) => row.sealed_credentials.startsWith(`v2.${current.secrets.current.id}.`))).toBe(true);
      expect((await db.selectFrom('webhook_endpoint').select('sealed_secret').execute()).every((row) => row.sealed_secret.startsWith(`v2.${current.secrets.current.id}.`))).toBe(true);
      expect((await db.selectFrom('inbound_event').select('payload_key_id').execute()).every((row) => row.payload_key_id === current.payloads.current.id)).toBe(true);
    } finally {
      await rotated.stop();
    }

    const onlyNew = await start({ ...database, HUB_SECRET_KEY: KEY_B });
    try {
      const api = apiClient(client(onlyNew), merchant.writeKey);
      expect((await api.get(`/api/v1/events/${firstEventId}`).expect(200)).body.data.payload).toMatchObject({ id: 'evt_1UaQ2o7HnQ2eLx4KUoP0JcyN' });
      const third = withStripeAttribution({ ...stripeFixture('checkout.session.completed.3'), id: 'evt_old_key_gone' }, { clickId: merchant.clickId, programId: merchant.campaignId });
      await sendStripeEvent(client(onlyNew), merchant.connectionId, third, { secret: STRIPE_SECRET }).expect(200);
    } finally {
      await onlyNew.stop();
    }

    await expect(start({ ...database, HUB_SECRET_KEY: KEY_C })).rejects.toThrow(/neither HUB_SECRET_KEY nor in HUB_SECRET_KEY_PREVIOUS/);
  });
});
