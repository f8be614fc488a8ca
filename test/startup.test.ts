/**
 * Start-up and shutdown as an operator sees them (SPEC §1): the banner, secrets generated and kept
 * on the embedded database, the admin API disabled without a token on PostgreSQL, migrations, and
 * SIGTERM draining to exit code 0 — the last two through the real `npm start` / `npm run migrate` entry points.
 * The embedded server's own life (first start, restart, SIGKILL, leftovers) is in embedded-server.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { locatePostgresBinaries } from '../src/db/embedded-server/postgres-binaries.js';
import { bannerLines, startHub } from '../src/hub.js';
import supertest from 'supertest';
import { systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { attributedStripeFixture, sendStripeEvent, setUpStripeMerchant } from './helpers/stripe.js';
import { createTestDatabase, TEST_BACKEND } from './helpers/test-database.js';
import { ADMIN_TOKEN } from './helpers/test-hub.js';

const temporaryDirectories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'hub-start-'));
  temporaryDirectories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

/** The database setting of this project's backend, for a hub started from configuration. */
async function databaseEnvironment(): Promise<{ environment: Record<string, string>; cleanUp: () => Promise<void> }> {
  if (TEST_BACKEND === 'pglite') return { environment: { HUB_DATA_DIR: temporaryDirectory() }, cleanUp: () => Promise.resolve() };
  const database = await createTestDatabase();
  await database.db.destroy();
  return {
    environment: { DATABASE_URL: database.url ?? '', HUB_SECRET_KEY: 'ab'.repeat(32) },
    cleanUp: async () => database.close().catch(() => undefined),
  };
}

function runCli(script: string, environment: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe(`start-up on ${TEST_BACKEND}`, () => {
  it('prints the banner with the URL, the database and what the embedded database does not promise', async () => {
    const { environment, cleanUp } = await databaseEnvironment();
    const config = readConfig({ ...environment, PORT: '0', HOST: '127.0.0.1', HUB_PUBLIC_URL: 'https://hub.example.com' });
    const hub = await startHub(config, { logger: silentLogger });
    try {
      const banner = bannerLines(hub, config).join('\n');
      expect(banner).toContain('conversion-hub is listening on https://hub.example.com');
      expect(banner).toContain('metrics: /metrics is open to anyone who can reach this port (set HUB_METRICS_TOKEN to require a bearer token)');
      if (TEST_BACKEND === 'pglite') {
        // The pglite project's hubs get a data dir, so the embedded default: a PostgreSQL server of their own.
        expect(banner).toContain(`database: embedded PostgreSQL ${locatePostgresBinaries().version} server in ${environment.HUB_DATA_DIR}/postgres (started and stopped by this hub)`);
        expect(banner).toMatch(/survives a crash of this process,\s+of the operating system or a power loss/);
        expect(banner).toMatch(/admin token \(shown once, kept in .*admin-token\): hub_admin_/);
      } else {
        expect(banner).toMatch(/database: PostgreSQL at postgres:\/\//);
        expect(banner).not.toMatch(/survives a crash|Durable/);
        expect(banner).toContain('admin API: disabled (set HUB_ADMIN_TOKEN to enable /admin/v1)');
        const refused = await fetch(`${hub.url}/admin/v1/merchants`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"x"}' });
        expect(refused.status).toBe(401);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/admin API is disabled/);
      }
      expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ status: 'ok' });
    } finally {
      await hub.stop();
      await cleanUp();
    }
  });

  // The embedded database's own secrets: the same test in both projects, since it needs no server.
  it('keeps the generated admin token and key in the data dir, owner-only, and shows the token only once', async () => {
    const dataDir = temporaryDirectory();
    const config = readConfig({ HUB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    const first = await startHub(config, { logger: silentLogger });
    const token = first.secrets.adminToken;
    await first.stop();
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'secret-key')).mode & 0o777).toBe(0o600);

    const second = await startHub(config, { logger: silentLogger });
    try {
      expect(second.secrets.adminToken).toBe(token);
      expect(bannerLines(second, config).join('\n')).not.toContain(token ?? 'no token');
      const created = await fetch(`${second.url}/admin/v1/merchants`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{"name":"Persisted"}',
      });
      expect(created.status).toBe(201);
    } finally {
      await second.stop();
    }
  });

  it('runs `npm start`, serves, and drains to exit 0 on SIGTERM', async () => {
    const { environment, cleanUp } = await databaseEnvironment();
    const child = runCli('src/cli/start.ts', { ...environment, PORT: '0', HOST: '127.0.0.1', HUB_ADMIN_TOKEN: 'a-long-enough-admin-token' });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /bound to 127\.0\.0\.1:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
    });
    try {
      const inFlight = fetch(`http://127.0.0.1:${port}/admin/v1/merchants`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer a-long-enough-admin-token' }, body: '{"name":"Last call"}',
      });
      const response = await inFlight;
      expect(response.status).toBe(201);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('draining before exit');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      await cleanUp();
    }
  });

  it('runs `npm run migrate` alone, and again as a no-op', async () => {
    const { environment, cleanUp } = await databaseEnvironment();
    const run = () => new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = runCli('src/cli/migrate.ts', environment);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });
    try {
      const first = await run();
      expect(first.code, first.output).toBe(0);
      expect(first.output).toMatch(/is at the latest schema/);
      if (TEST_BACKEND === 'pglite') expect(first.output).toContain('applied: 2026_11_21_120000_create_core_tables');
      const second = await run();
      expect(second.code).toBe(0);
      expect(second.output).toContain('(0 migration(s) applied now)');
    } finally {
      await cleanUp();
    }
  });

  it('splits ingest and processing between processes on PostgreSQL, and refuses an ingest-only embedded hub', async () => {
    const { environment, cleanUp } = await databaseEnvironment();
    const settings = { ...environment, PORT: '0', HOST: '127.0.0.1', HUB_ADMIN_TOKEN: ADMIN_TOKEN, HUB_PROCESSING_CONCURRENCY: '0' };
    if (TEST_BACKEND === 'pglite') {
      expect(() => readConfig(settings)).toThrow(/HUB_PROCESSING_CONCURRENCY=0 \(ingest only\) needs DATABASE_URL/);
      return;
    }
    const ingestOnly = await startHub(readConfig(settings), { logger: silentLogger });
    let processing: Awaited<ReturnType<typeof startHub>> | null = null;
    try {
      expect(bannerLines(ingestOnly, readConfig(settings)).join('\n')).toContain('processing: off (HUB_PROCESSING_CONCURRENCY=0)');
      const client = { http: supertest(ingestOnly.url), clock: systemClock };
      const merchant = await setUpStripeMerchant(client);
      const stored = await sendStripeEvent(client, merchant.connectionId, attributedStripeFixture('checkout.session.completed.1', merchant)).expect(200);
      const eventId = stored.body.eventId as string;
      // Stored and acknowledged, and still waiting: nothing in this process works on it. The ingest-only
      // process's own worker is not running, so no amount of waiting would change this row.
      const waiting = await merchant.api.get(`/api/v1/events/${eventId}`).expect(200);
      expect(waiting.body.data.status).toBe('received');
      expect((await merchant.api.get('/api/v1/conversions').expect(200)).body.data).toEqual([]);

      // A processing process on the same database picks the stored delivery up.
      const processingConfig = readConfig({ ...settings, HUB_PROCESSING_CONCURRENCY: '2', HUB_PROCESSING_BATCH_SIZE: '16' });
      processing = await startHub(processingConfig, { logger: silentLogger });
      expect(processing.processingWorkers).toBe(2);
      expect(bannerLines(processing, processingConfig)).toContain('processing: 2 at a time, plain purchases in batches of up to 16');
      let status = 'received';
      for (let attempt = 0; attempt < 200 && status !== 'processed'; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await merchant.api.get(`/api/v1/events/${eventId}`).expect(200)).body.data.status as string;
      }
      expect(status).toBe('processed');
      const conversions = (await merchant.api.get('/api/v1/conversions').expect(200)).body.data as { affiliateId: string }[];
      expect(conversions).toHaveLength(1);
      expect(conversions[0]?.affiliateId).toBe(merchant.affiliateId);
    } finally {
      await processing?.stop();
      await ingestOnly.stop();
      await cleanUp();
    }
  });

  it('refuses to start on PostgreSQL without HUB_SECRET_KEY, naming the variable', async () => {
    const child = runCli('src/cli/start.ts', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', PORT: '0' });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('configuration error: HUB_SECRET_KEY is required with DATABASE_URL');
  });
});
