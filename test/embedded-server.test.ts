/**
 * The embedded default (no DATABASE_URL): a PostgreSQL server the hub creates in HUB_DATA_DIR, starts
 * and stops — through the real `npm start` entry point where a process boundary matters (SIGTERM,
 * SIGKILL), in-process where it does not. It needs no PostgreSQL of the machine, so both vitest
 * projects run it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { clusterDirectoryOf } from '../src/db/embedded-server/embedded-server.js';
import { locatePostgresBinaries } from '../src/db/embedded-server/postgres-binaries.js';
import { processFacts } from '../src/db/embedded-server/process-facts.js';
import { serverLauncher } from '../src/db/embedded-server/server-launcher.js';
import { serverSettings } from '../src/db/embedded-server/server-settings.js';
import { embeddedEngineOf } from '../src/db/open-database.js';
import { bannerLines, durabilityLines, startHub, type RunningHub } from '../src/hub.js';
import { silentLogger } from '../src/lib/logger.js';
import { startHubProcess } from './helpers/hub-process.js';

const ADMIN_TOKEN = 'embedded-server-admin-token';
const directories: string[] = [];
function temporaryDataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'hub-embedded-'));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function startInProcess(dataDir: string): Promise<RunningHub> {
  return startHub(readConfig({ HUB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', HUB_ADMIN_TOKEN: ADMIN_TOKEN }), { logger: silentLogger });
}

function serverPidOf(dataDir: string): number {
  return Number(readFileSync(join(clusterDirectoryOf(dataDir), 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function adminRequest(port: number, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('the embedded PostgreSQL server, the default without DATABASE_URL', () => {
  it('is created on the first `npm start`, keeps its data across a restart, and leaves no process behind after SIGTERM', async () => {
    const dataDir = temporaryDataDir();
    const first = startHubProcess({ HUB_DATA_DIR: dataDir, HUB_ADMIN_TOKEN: ADMIN_TOKEN });
    const firstPort = await first.listening;
    expect(first.output()).toContain(`database: embedded PostgreSQL ${locatePostgresBinaries().version} server in ${clusterDirectoryOf(dataDir)}`);
    expect(first.output()).toMatch(/survives a crash of this process,\s+of the operating system or a power loss/);
    const created = await adminRequest(firstPort, 'POST', '/admin/v1/merchants', { name: 'Kept' });
    expect(created.status).toBe(201);
    const merchantId = ((await created.json()) as { data: { id: string } }).data.id;
    const firstServer = serverPidOf(dataDir);
    expect(processFacts(firstServer)).not.toBeNull();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(processFacts(firstServer)).toBeNull();
    expect(existsSync(join(clusterDirectoryOf(dataDir), 'postmaster.pid'))).toBe(false);

    const second = startHubProcess({ HUB_DATA_DIR: dataDir, HUB_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      const secondPort = await second.listening;
      expect((await adminRequest(secondPort, 'GET', `/admin/v1/merchants/${merchantId}`)).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('stops when its hub is SIGKILLed, and does not block the next start', async () => {
    const dataDir = temporaryDataDir();
    const killed = startHubProcess({ HUB_DATA_DIR: dataDir, HUB_ADMIN_TOKEN: ADMIN_TOKEN });
    await killed.listening;
    const orphaned = serverPidOf(dataDir);
    killed.child.kill('SIGKILL');
    await killed.exited;

    // At once, while the old server may still be shutting down.
    const next = startHubProcess({ HUB_DATA_DIR: dataDir, HUB_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      const port = await next.listening;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(processFacts(orphaned)).toBeNull();
      expect(serverPidOf(dataDir)).not.toBe(orphaned);
    } finally {
      next.child.kill('SIGTERM');
      expect(await next.exited).toBe(0);
    }
    // On Linux the server stops on its own when the hub dies, without waiting for a next start.
    if (serverLauncher().stopsWithHub) expect(readFileSync(join(dataDir, 'postgres.log'), 'utf8')).toMatch(/received fast shutdown request[\s\S]*received fast shutdown request/);
  });

  it('stops a server left running with no hub, and clears a lock file that names another program', async () => {
    const dataDir = temporaryDataDir();
    await (await startInProcess(dataDir)).stop();
    const cluster = clusterDirectoryOf(dataDir);

    // A server whose starter is gone and that has no death signal (a hub on macOS, a hand-started one).
    const { postgres } = locatePostgresBinaries();
    const asServerUser = process.getuid?.() === 0 ? ['unshare', '--user', '--map-user=1', '--map-group=1'] : [];
    spawn('sh', ['-c', '"$@" >/dev/null 2>&1 &', 'sh', ...asServerUser, postgres, '-D', cluster, ...serverSettings(cluster)], { stdio: 'ignore' });
    const lockFile = join(cluster, 'postmaster.pid');
    for (let attempt = 0; attempt < 400 && !(existsSync(lockFile) && readFileSync(lockFile, 'utf8').includes('ready')); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const leftover = serverPidOf(dataDir);
    expect(processFacts(leftover)?.parentPid).toBe(1);

    const hub = await startInProcess(dataDir);
    expect(processFacts(leftover)).toBeNull();
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    await hub.stop();

    // After a reboot the pid in a stale lock file can belong to any program; PostgreSQL alone would refuse to start.
    writeFileSync(join(cluster, 'postmaster.pid'), `${process.pid}\n${cluster}\n0\n5432\n${cluster}\n\n0 0\nready   \n`);
    const afterReboot = await startInProcess(dataDir);
    expect((await fetch(`${afterReboot.url}/healthz`)).status).toBe(200);
    await afterReboot.stop();
  });

  it('runs hubs with different data directories side by side, and refuses a second hub on the same one', async () => {
    const [one, other] = [temporaryDataDir(), temporaryDataDir()];
    const [first, second] = await Promise.all([startInProcess(one), startInProcess(other)]);
    try {
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
      await expect(startInProcess(one)).rejects.toThrow(/is already running \(pid \d+, started by process \d+\): another hub is using this HUB_DATA_DIR/);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('acknowledges only what is on disk: fsync and synchronous commit are on, as the banner states', async () => {
    const dataDir = temporaryDataDir();
    const config = readConfig({ HUB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', HUB_ADMIN_TOKEN: ADMIN_TOKEN });
    const hub = await startHub(config, { logger: silentLogger });
    try {
      const settings = await sql<{ name: string; setting: string }>`select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes') order by name`.execute(hub.database.db);
      expect(settings.rows).toEqual([{ name: 'fsync', setting: 'on' }, { name: 'full_page_writes', setting: 'on' }, { name: 'synchronous_commit', setting: 'on' }]);
      expect(hub.processingWorkers).toBe(4);
      expect(bannerLines(hub, config).join('\n')).toMatch(/Durable: every acknowledged delivery is on disk \(fsync, synchronous commit\)/);
    } finally {
      await hub.stop();
    }
  });

  it('keeps a PGlite data directory from an earlier version on PGlite, and says what it does not promise', () => {
    const dataDir = temporaryDataDir();
    expect(embeddedEngineOf(dataDir)).toBe('server');
    mkdirSync(join(dataDir, 'pgdata'));
    writeFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), '18\n');
    expect(embeddedEngineOf(dataDir)).toBe('pglite');
    expect(durabilityLines('pglite').join(' ')).toMatch(/not a crash of the operating system.*A new HUB_DATA_DIR gets the embedded PostgreSQL server/);
    mkdirSync(clusterDirectoryOf(dataDir));
    expect(embeddedEngineOf(dataDir)).toBe('server');
  });
});
