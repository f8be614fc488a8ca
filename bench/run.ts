/**
 * `npm run bench`: the hub measured against a minimal baseline receiver under the same load, and the
 * embedded default against the hub on PostgreSQL, in one run on this machine (load generator included).
 *
 *   0. where start-up time and memory go: module loading, each embedded engine's first and later start;
 *   1. ingest: 50 connections of signed Stripe deliveries (unique purchases) for BENCH_SECONDS, to the
 *      baseline and to an ingest-only hub process on PostgreSQL; deliveries/s, p50, p99 and the ratio;
 *   2. the hub on PostgreSQL as deployed (ingest and processing): the same load, how fast the backlog
 *      became conversions, a steady 1,000 deliveries/s with each event's lag, its memory idle and peak;
 *   3. the embedded default (`npm start`, no DATABASE_URL): `npm start` → /healthz on a first and a later
 *      start, memory of every process it owns idle and under load, the same load, lag at 200/s, SIGTERM;
 *   4. the earlier default, PGlite in the data directory, the same way (BENCH_PGLITE=0 skips it).
 *
 * HUB_PROCESSING_CONCURRENCY and HUB_PROCESSING_BATCH_SIZE, when set, are passed to the hubs that process.
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * and drops its own databases.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { runEmbeddedServer, runPGlite, type EmbeddedRun } from './embedded-runs.js';
import { ADMIN_TOKEN, deliveryFactory, load, setUpMerchant, SECRET, type LoadResult } from './load.js';
import { peakRssMb, startChild, stop, treeMemory } from './processes.js';
import { profileStartUp, type ProfileStep } from './start-up-profile.js';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A hub as `npm start` runs it, on its own fresh PostgreSQL database, with a merchant ready to receive Stripe deliveries. */
async function startPostgresHub(database: string, environment: Record<string, string>) {
  // The compiled JavaScript, as `npm start` runs it with DATABASE_URL set: no memory flags (npm run bench builds it first).
  const hub = await startChild(process.execPath, ['dist/src/cli/start.js'], {
    DATABASE_URL: databaseUrl(database), HUB_SECRET_KEY: randomBytes(32).toString('hex'), HUB_ADMIN_TOKEN: ADMIN_TOKEN,
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...environment,
  }, /bound to 127\.0\.0\.1:(\d+)/);
  return { child: hub.child, ...(await setUpMerchant(`http://127.0.0.1:${hub.port}`)) };
}

/** HUB_PROCESSING_* settings in the bench's environment are handed to the processing hubs, to measure other settings. */
function processingSettings(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('HUB_PROCESSING_') && entry[1] !== undefined));
}

const row = (label: string, result: LoadResult) => `| ${label} | ${result.perSecond.toFixed(0)} | ${result.p50} | ${result.p99} | ${result.total} | ${result.non2xx} |`;
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

async function main(): Promise<void> {
  const profile = profileStartUp();
  const stamp = Date.now().toString(36);
  const databases = { baseline: `hub_bench_baseline_${stamp}`, ingest: `hub_bench_ingest_${stamp}`, hub: `hub_bench_${stamp}` };
  await admin(async (client) => {
    for (const name of Object.values(databases)) await client.query(`create database "${name}"`);
  });
  const pgVersion = await admin(async (client) => (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?');
  const children: ChildProcess[] = [];
  try {
    // 1. The baseline receiver.
    const baseline = await startChild(process.execPath, ['--import', 'tsx', 'bench/baseline-server.ts'], { BASELINE_DATABASE_URL: databaseUrl(databases.baseline), BASELINE_SECRET: SECRET }, /baseline listening on (\d+)/);
    children.push(baseline.child);
    const baselineNext = deliveryFactory({ clickId: 'clk_bench', programId: 'camp_bench' });
    await load(`http://127.0.0.1:${baseline.port}/`, { connections: 50, seconds: 3, next: baselineNext }); // warm-up
    const baselineIngest = await load(`http://127.0.0.1:${baseline.port}/`, { connections: 50, seconds: SECONDS, next: baselineNext });
    await stop(baseline.child);

    // 2. The hub's ingest alone, like for like with the baseline: an ingest-only process (HUB_PROCESSING_CONCURRENCY=0).
    const ingestOnly = await startPostgresHub(databases.ingest, { HUB_PROCESSING_CONCURRENCY: '0' });
    children.push(ingestOnly.child);
    await load(ingestOnly.webhookUrl, { connections: 50, seconds: 3, next: ingestOnly.next }); // warm-up
    const hubIngest = await load(ingestOnly.webhookUrl, { connections: 50, seconds: SECONDS, next: ingestOnly.next });
    await stop(ingestOnly.child);

    // 3. The hub on PostgreSQL as deployed: ingest and processing in one process.
    const hub = await startPostgresHub(databases.hub, processingSettings());
    children.push(hub.child);
    const pool = new pg.Pool({ connectionString: databaseUrl(databases.hub), max: 2 });
    const pending = async () => Number((await pool.query<{ count: string }>("select count(*) from inbound_event where status in ('received', 'processing')")).rows[0]?.count);
    const waitUntilProcessed = async () => {
      const started = Date.now();
      while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      return (Date.now() - started) / 1000;
    };
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const postgresHubIdle = treeMemory(hub.child.pid ?? 0);
    await load(hub.webhookUrl, { connections: 50, seconds: 3, next: hub.next }); // warm-up
    await waitUntilProcessed();
    const saturated = await load(hub.webhookUrl, { connections: 50, seconds: SECONDS, next: hub.next });
    const drainSeconds = await waitUntilProcessed();
    const processedPerSecond = saturated.total / (SECONDS + drainSeconds);

    const lagWindowStart = new Date();
    const steady = await load(hub.webhookUrl, { connections: 50, seconds: SECONDS, rate: 1000, next: hub.next });
    await waitUntilProcessed();
    const lag = (await pool.query<{ p50: number; p99: number; max: number; events: string }>(
      `select percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)) as p50,
              percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at)) as p99,
              max(extract(epoch from processed_at - received_at)) as max, count(*) as events
         from inbound_event where received_at >= $1`, [lagWindowStart])).rows[0];
    const conversions = Number((await pool.query<{ count: string }>('select count(*) from conversion')).rows[0]?.count);
    const events = Number((await pool.query<{ count: string }>("select count(*) from inbound_event where status = 'processed'")).rows[0]?.count);
    await pool.end();
    const postgresHubPeak = peakRssMb(hub.child.pid ?? 0);
    await stop(hub.child);

    // 4 and 5. The embedded default, and the earlier one.
    const embedded = await runEmbeddedServer(SECONDS);
    const pglite = process.env.BENCH_PGLITE === '0' ? null : await runPGlite(SECONDS);

    process.stdout.write(`${report({ profile, pgVersion, baselineIngest, hubIngest, saturated, steady, drainSeconds, processedPerSecond, lag, conversions, events, postgresHubIdle, postgresHubPeak, embedded, pglite }).join('\n')}\n`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await admin(async (client) => {
      for (const name of Object.values(databases)) await client.query(`drop database if exists "${name}" with (force)`);
    });
  }
}

interface Results {
  profile: ProfileStep[];
  pgVersion: string;
  baselineIngest: LoadResult;
  hubIngest: LoadResult;
  saturated: LoadResult;
  steady: LoadResult;
  drainSeconds: number;
  processedPerSecond: number;
  lag: { p50: number; p99: number; max: number; events: string } | undefined;
  conversions: number;
  events: number;
  postgresHubIdle: { rssMb: number; pssMb: number };
  postgresHubPeak: number;
  embedded: EmbeddedRun;
  pglite: EmbeddedRun | null;
}

function report(results: Results): string[] {
  const { embedded, pglite, saturated } = results;
  const ms = (seconds: number) => (seconds * 1000).toFixed(0);
  const embeddedRatio = embedded.saturated.perSecond / saturated.perSecond;
  const embeddedRow = (label: string, run: EmbeddedRun) =>
    `| ${label} | ${run.firstStartSeconds === null ? '—' : run.firstStartSeconds.toFixed(2)} | ${run.laterStartSeconds.toFixed(2)} | ${run.idle.rssMb} (${run.idle.processes}) | ${run.underLoad.rssMb} (${run.underLoad.processes}) | ${run.idle.pssMb} / ${run.underLoad.pssMb} | ${run.saturated.perSecond.toFixed(0)} | ${run.saturated.p99} | ${run.saturated.non2xx} | ${(run.saturated.perSecond / saturated.perSecond).toFixed(2)} |`;
  return [
    `## ${new Date().toISOString().slice(0, 10)} — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${results.pgVersion}`,
    '',
    `Load generator, hubs, baseline and PostgreSQL share the machine. ${SECONDS} s per run, 50 connections, no pipelining, each request a new signed purchase.`
      + ` Processing settings: ${Object.entries(processingSettings()).map(([name, value]) => `${name}=${value}`).join(', ') || 'defaults'}.`,
    '',
    '### Where start-up time and memory go (each step a fresh Node process on the compiled hub)',
    '',
    '| step | ms | Node RSS MB | JS heap MB | outside the heap MB | server processes RSS MB |',
    '|---|---|---|---|---|---|',
    ...results.profile.map((step) => `| ${step.step} | ${step.milliseconds} | ${step.rssMb} | ${step.heapMb} | ${step.externalMb} | ${step.serverRssMb ?? '—'} |`),
    '',
    '### Ingest and processing on PostgreSQL',
    '',
    '| run | deliveries/s | p50 ms | p99 ms | requests | non-2xx |',
    '|---|---|---|---|---|---|',
    row('baseline (node:http, 1 INSERT)', results.baselineIngest),
    row('hub ingest (ingest-only process)', results.hubIngest),
    row('hub ingest with processing alongside', saturated),
    row('hub at a steady 1,000/s', results.steady),
    '',
    `- hub/baseline ingest ratio: **${(results.hubIngest.perSecond / results.baselineIngest.perSecond).toFixed(2)}** (aim ≥ 0.75)`,
    `- processing: ${saturated.total} deliveries turned into conversions in ${(SECONDS + results.drainSeconds).toFixed(1)} s = **${results.processedPerSecond.toFixed(0)} conversions/s** sustained`,
    `- processing lag at 1,000/s (stored → conversion recorded), ${results.lag?.events ?? 0} events: p50 **${ms(results.lag?.p50 ?? 0)} ms**, p99 **${ms(results.lag?.p99 ?? 0)} ms**, max ${ms(results.lag?.max ?? 0)} ms (aim p99 < 1 s)`,
    `- every processed event made its conversion: ${results.events} events processed, ${results.conversions} conversions`,
    `- hub process memory (its own; the PostgreSQL server is the machine's): idle RSS ${results.postgresHubIdle.rssMb} MB, peak RSS (VmHWM) **${results.postgresHubPeak} MB** (aim < 300 MB)`,
    '',
    '### The embedded default (`npm start`, no DATABASE_URL) next to the hub on PostgreSQL',
    '',
    'Start: `npm start` → first 200 from /healthz, in seconds (first: an empty data directory; later: a restart on it). Memory: RSS summed over every process the hub owns (processes in brackets), the median of 5 s of samples taken 5 s after start (idle) and the largest sum sampled every 250 ms under the load; PSS divides shared pages among their sharers. Throughput: the processing hub\'s load above, ratio to the hub on PostgreSQL.',
    '',
    '| engine | first start s | later start s | idle RSS MB | loaded RSS MB | PSS idle / loaded MB | deliveries/s | p99 ms | non-2xx | × PostgreSQL hub |',
    '|---|---|---|---|---|---|---|---|---|---|',
    embeddedRow('embedded PostgreSQL server (default)', embedded),
    ...(pglite ? [embeddedRow('PGlite in the data dir (earlier default)', pglite)] : []),
    '',
    `- \`npm start\` → /healthz 200: first start **${embedded.firstStartSeconds?.toFixed(2) ?? '?'} s** (aim ≤ 10 s) — ${verdict((embedded.firstStartSeconds ?? Infinity) <= 10)}; later start **${embedded.laterStartSeconds.toFixed(2)} s** (aim ≤ 3 s) — ${verdict(embedded.laterStartSeconds <= 3)}`,
    `- memory, every process the hub owns: idle **${embedded.idle.rssMb} MB** (median; largest sample ${embedded.idleMax.rssMb} MB) (aim ≤ 150) — ${verdict(embedded.idle.rssMb <= 150)}; under load **${embedded.underLoad.rssMb} MB** (aim ≤ 250) — ${verdict(embedded.underLoad.rssMb <= 250)}`,
    `- acknowledged deliveries/s: **${embedded.saturated.perSecond.toFixed(0)}**, **${embeddedRatio.toFixed(2)}×** the hub on PostgreSQL (aim ≥ 0.6) — ${verdict(embeddedRatio >= 0.6)}; backlog converted ${embedded.drainSeconds.toFixed(1)} s after the load stopped`,
    `- lag at a steady 200/s (stored → conversion recorded), ${embedded.steady?.lag.events ?? 0} events: p50 ${ms(embedded.steady?.lag.p50 ?? 0)} ms, p99 **${ms(embedded.steady?.lag.p99 ?? 0)} ms**, max **${ms(embedded.steady?.lag.max ?? 0)} ms** (aim: visible within 2 s) — ${verdict((embedded.steady?.lag.max ?? Infinity) <= 2)}; ${embedded.steady?.load.non2xx ?? '?'} non-2xx`,
    `- every processed event made its conversion: ${embedded.processedEvents ?? '?'} events processed, ${embedded.conversions ?? '?'} conversions`,
    `- SIGTERM: exit code ${embedded.exitCode} after ${embedded.stopSeconds.toFixed(2)} s, ${embedded.leftoverProcesses} process(es) left on the data directory`,
    ...(pglite ? [`- PGlite (earlier default): exit code ${pglite.exitCode} after ${pglite.stopSeconds.toFixed(2)} s; backlog converted ${pglite.drainSeconds.toFixed(1)} s after the load stopped`] : []),
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
