/**
 * The embedded default as a newcomer gets it: `npm start` with no DATABASE_URL, in a data directory of
 * its own. Timed from `npm start` to the first 200 from /healthz (first start in an empty directory,
 * then a restart), its memory summed over every process it owns (hub, postmaster, backends) idle and
 * under load, its throughput under the same load as the PostgreSQL hub, and the lag from storage to
 * conversion at 200 deliveries/s. The earlier default, PGlite in the data directory, runs the same way
 * for comparison (a directory with a PGlite database still opens on PGlite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_TOKEN, load, setUpMerchant, unprocessedEvents, untilProcessed, type LoadResult } from './load.js';
import { sampleTreeMemory, treeMemory, type TreeMemory } from './processes.js';

export interface EmbeddedRun {
  readonly firstStartSeconds: number | null;
  readonly laterStartSeconds: number;
  /** Median of 5 s of samples, 5 s after start, and the largest of them. */
  readonly idle: TreeMemory;
  readonly idleMax: TreeMemory;
  readonly underLoad: TreeMemory;
  readonly saturated: LoadResult;
  readonly drainSeconds: number;
  readonly steady: { load: LoadResult; lag: Lag } | null;
  readonly processedEvents: number | null;
  readonly conversions: number | null;
  readonly stopSeconds: number;
  readonly exitCode: number | null;
  /** Processes still running on the data directory after the hub exited (must be 0). */
  readonly leftoverProcesses: number;
}

export interface Lag {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly events: number;
}

const IDLE_SETTLE_MS = 5_000;


export async function runEmbeddedServer(seconds: number): Promise<EmbeddedRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-embedded-'));
  try {
    const first = await npmStart(dataDir);
    await first.stop();
    const hub = await npmStart(dataDir);
    const socketUrl = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(join(dataDir, 'postgres'))}`;
    const pool = new pg.Pool({ connectionString: socketUrl, max: 2 });
    try {
      const measured = await measureUnderLoad(hub, seconds);
      const lagWindowStart = new Date();
      const steady = await load(hub.merchant.webhookUrl, { connections: 20, seconds, rate: 200, next: hub.merchant.next });
      await untilProcessed(() => unprocessedEvents(hub.url, hub.merchant.apiKey));
      const lag = (await pool.query<{ p50: number; p99: number; max: number; events: string }>(
        `select percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)) as p50,
                percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at)) as p99,
                max(extract(epoch from processed_at - received_at)) as max, count(*) as events
           from inbound_event where received_at >= $1`, [lagWindowStart])).rows[0];
      const conversions = Number((await pool.query<{ count: string }>('select count(*) from conversion')).rows[0]?.count);
      const processedEvents = Number((await pool.query<{ count: string }>("select count(*) from inbound_event where status = 'processed'")).rows[0]?.count);
      await pool.end();
      const stopped = await hub.stop();
      return {
        ...measured, ...stopped, firstStartSeconds: first.startSeconds, laterStartSeconds: hub.startSeconds,
        steady: { load: steady, lag: { p50: lag?.p50 ?? 0, p99: lag?.p99 ?? 0, max: lag?.max ?? 0, events: Number(lag?.events ?? 0) } },
        processedEvents, conversions,
      };
    } finally {
      await pool.end().catch(() => undefined);
      await hub.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The earlier default: a data directory holding a PGlite database (made here, as an earlier hub made it). */
export async function runPGlite(seconds: number): Promise<EmbeddedRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-pglite-'));
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    await (await PGlite.create(join(dataDir, 'pgdata'))).close();
    const hub = await npmStart(dataDir);
    try {
      const measured = await measureUnderLoad(hub, seconds);
      const stopped = await hub.stop();
      return { ...measured, ...stopped, firstStartSeconds: null, laterStartSeconds: hub.startSeconds, steady: null, processedEvents: null, conversions: null };
    } finally {
      await hub.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type StartedHub = Awaited<ReturnType<typeof npmStart>>;

async function measureUnderLoad(hub: StartedHub, seconds: number) {
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
  // Idle, the hub keeps one server connection; now and then its two pollers overlap and a second one lives
  // for a second (~15 MB). The median of 5 s of samples is the idle hub; the largest is reported beside it.
  const samples: TreeMemory[] = [];
  for (let sample = 0; sample < 20; sample += 1) {
    samples.push(treeMemory(hub.pid));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  samples.sort((left, right) => left.rssMb - right.rssMb);
  const idle = samples[Math.floor(samples.length / 2)] ?? treeMemory(hub.pid);
  const idleMax = samples[samples.length - 1] ?? idle;
  await load(hub.merchant.webhookUrl, { connections: 50, seconds: 3, next: hub.merchant.next }); // warm-up
  await untilProcessed(() => unprocessedEvents(hub.url, hub.merchant.apiKey));
  const sampler = sampleTreeMemory(hub.pid);
  const saturated = await load(hub.merchant.webhookUrl, { connections: 50, seconds, next: hub.merchant.next });
  const drainSeconds = await untilProcessed(() => unprocessedEvents(hub.url, hub.merchant.apiKey));
  return { idle, idleMax, underLoad: sampler.stop(), saturated, drainSeconds };
}

/** `npm start` exactly as a newcomer types it (the TypeScript is already built: its up-to-date check runs and finds nothing to do). */
async function npmStart(dataDir: string) {
  const port = await freePort();
  const started = Date.now();
  const npm: ChildProcess = spawn('npm', ['start', '--silent'], {
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), HUB_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1',
      LOG_LEVEL: 'error', HUB_ADMIN_TOKEN: ADMIN_TOKEN, HUB_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}`);
    if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const startSeconds = (Date.now() - started) / 1000;
  // npm runs the hub with `exec`: its only child is the hub's node process, and SIGTERM to npm reaches it.
  const pid = childrenOf(npm.pid ?? 0)[0] ?? 0;
  const merchant = await setUpMerchant(url);
  let stopping: Promise<{ stopSeconds: number; exitCode: number | null; leftoverProcesses: number }> | null = null;
  return {
    url, pid, merchant, startSeconds,
    stop() {
      stopping ??= (async () => {
        const stopStarted = Date.now();
        const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
        npm.kill('SIGTERM');
        const exitCode = npm.exitCode ?? await exited;
        return { stopSeconds: (Date.now() - stopStarted) / 1000, exitCode, leftoverProcesses: processesNaming(dataDir) };
      })();
      return stopping;
    },
  };
}

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number));
}

/** Processes whose command line names the directory (the embedded server's postmaster does, with -D). */
function processesNaming(directory: string): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(directory)) count += 1;
    } catch {
      // Exited while listed.
    }
  }
  return count;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
