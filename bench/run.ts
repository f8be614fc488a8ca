/**
 * `npm run bench`: webhook ingest and processing of the hub on PostgreSQL, measured against a
 * minimal baseline receiver under the same load, on this machine (load generator included).
 *
 *   1. ingest: 50 connections of signed Stripe deliveries (unique purchases) for BENCH_SECONDS, to the
 *      baseline and to an ingest-only hub process; deliveries/s, p50, p99 and the hub/baseline ratio;
 *   2. processing: the same load to a hub that also processes, then how fast the backlog became
 *      conversions; and a steady 1,000 deliveries/s with each event's lag from storage to conversion;
 *   3. the processing hub's peak memory (RSS high-water mark of its process).
 *
 * HUB_PROCESSING_CONCURRENCY and HUB_PROCESSING_BATCH_SIZE, when set, are passed to the processing hub.
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * and drops its own databases.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import Stripe from 'stripe';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SECRET = 'whsec_bench_0123456789abcdefghijklmnop';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/stripe/payment_intent.succeeded.1.json', import.meta.url), 'utf8')) as Record<string, unknown> & { data: { object: Record<string, unknown> } };

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

/** Starts a child process and resolves with it and the port it printed. */
function startChild(args: string[], environment: Record<string, string>, portPattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = portPattern.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

/** Each request a new purchase: unique event id and PaymentIntent, attributed to the bench click. */
function deliveryFactory(attribution: { clickId: string; programId: string }) {
  let sequence = 0;
  const run = randomBytes(4).toString('hex');
  return () => {
    sequence += 1;
    const id = `${run}${sequence}`;
    const object = { ...FIXTURE.data.object, id: `pi_bench_${id}`, metadata: { click_id: attribution.clickId, program_id: attribution.programId } };
    const body = JSON.stringify({ ...FIXTURE, id: `evt_bench_${id}`, created: Math.floor(Date.now() / 1000), data: { ...FIXTURE.data, object } });
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    return { body, header };
  };
}

async function load(url: string, options: { connections: number; seconds: number; rate?: number; next: () => { body: string; header: string } }) {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [{
      method: 'POST',
      setupRequest: (request) => {
        const delivery = options.next();
        return { ...request, body: delivery.body, headers: { 'content-type': 'application/json', 'stripe-signature': delivery.header } };
      },
    }],
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, non2xx };
}

async function hubRequest(baseUrl: string, path: string, body: unknown, key = ADMIN_TOKEN): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

/** A hub as `npm start` runs it, on its own fresh PostgreSQL database, with a merchant ready to receive Stripe deliveries. */
async function startBenchHub(database: string, environment: Record<string, string>) {
  // As `npm start` runs it: the compiled JavaScript (npm run bench builds it first).
  const hub = await startChild(['dist/src/cli/start.js'], {
    DATABASE_URL: databaseUrl(database), HUB_SECRET_KEY: randomBytes(32).toString('hex'), HUB_ADMIN_TOKEN: ADMIN_TOKEN,
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...environment,
  }, /bound to 127\.0\.0\.1:(\d+)/);
  const hubUrl = `http://127.0.0.1:${hub.port}`;
  const merchant = await hubRequest(hubUrl, '/admin/v1/merchants', { name: 'Bench' });
  const key = (merchant.apiKeys as { write: string }).write;
  const campaign = await hubRequest(hubUrl, '/api/v1/campaigns', { name: 'Bench', currency: 'USD', commission: { type: 'percent', rate: 20 } }, key);
  const affiliate = await hubRequest(hubUrl, '/api/v1/affiliates', { name: 'Bench', email: 'bench@example.com', campaignId: campaign.id }, key);
  const click = await hubRequest(hubUrl, '/api/v1/clicks', { campaignId: campaign.id, affiliateId: affiliate.id }, key);
  const connection = await hubRequest(hubUrl, '/api/v1/connections', { provider: 'stripe', campaignId: campaign.id, secrets: [SECRET] }, key);
  return {
    child: hub.child,
    webhookUrl: `${hubUrl}/webhooks/stripe/${String(connection.id)}`,
    next: deliveryFactory({ clickId: String(click.clickId), programId: String(campaign.id) }),
  };
}

/** HUB_PROCESSING_* settings in the bench's environment are handed to the processing hub, to measure other settings. */
function processingSettings(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('HUB_PROCESSING_') && entry[1] !== undefined));
}

async function main(): Promise<void> {
  const stamp = Date.now().toString(36);
  const databases = { baseline: `hub_bench_baseline_${stamp}`, ingest: `hub_bench_ingest_${stamp}`, hub: `hub_bench_${stamp}` };
  await admin(async (client) => {
    for (const name of Object.values(databases)) await client.query(`create database "${name}"`);
  });
  const pgVersion = await admin(async (client) => (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?');
  const children: ChildProcess[] = [];
  try {
    // 1. The baseline receiver.
    const baseline = await startChild(['--import', 'tsx', 'bench/baseline-server.ts'], { BASELINE_DATABASE_URL: databaseUrl(databases.baseline), BASELINE_SECRET: SECRET }, /baseline listening on (\d+)/);
    children.push(baseline.child);
    const baselineNext = deliveryFactory({ clickId: 'clk_bench', programId: 'camp_bench' });
    await load(`http://127.0.0.1:${baseline.port}/`, { connections: 50, seconds: 3, next: baselineNext }); // warm-up
    const baselineIngest = await load(`http://127.0.0.1:${baseline.port}/`, { connections: 50, seconds: SECONDS, next: baselineNext });
    await stop(baseline.child);

    // 2. The hub's ingest alone, like for like with the baseline: an ingest-only process (HUB_PROCESSING_CONCURRENCY=0).
    const ingestOnly = await startBenchHub(databases.ingest, { HUB_PROCESSING_CONCURRENCY: '0' });
    children.push(ingestOnly.child);
    await load(ingestOnly.webhookUrl, { connections: 50, seconds: 3, next: ingestOnly.next }); // warm-up
    const hubIngest = await load(ingestOnly.webhookUrl, { connections: 50, seconds: SECONDS, next: ingestOnly.next });
    await stop(ingestOnly.child);

    // 3. The hub as deployed: ingest and processing in one process.
    const hub = await startBenchHub(databases.hub, processingSettings());
    children.push(hub.child);
    const pool = new pg.Pool({ connectionString: databaseUrl(databases.hub), max: 2 });
    const pending = async () => Number((await pool.query<{ count: string }>("select count(*) from inbound_event where status in ('received', 'processing')")).rows[0]?.count);
    const waitUntilProcessed = async () => {
      const started = Date.now();
      while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      return (Date.now() - started) / 1000;
    };
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
    const rss = peakRssMb(hub.child.pid ?? 0);
    await stop(hub.child);

    const ratio = hubIngest.perSecond / baselineIngest.perSecond;
    const lines = [
      `## ${new Date().toISOString().slice(0, 10)} — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${pgVersion}`,
      '',
      `Load generator, hub (or baseline) and PostgreSQL share the machine. ${SECONDS} s per run, 50 connections, no pipelining, each request a new signed purchase.`
        + ` Processing hub settings: ${Object.entries(processingSettings()).map(([name, value]) => `${name}=${value}`).join(', ') || 'defaults'}.`,
      '',
      '| run | deliveries/s | p50 ms | p99 ms | requests | non-2xx |',
      '|---|---|---|---|---|---|',
      `| baseline (node:http, 1 INSERT) | ${baselineIngest.perSecond.toFixed(0)} | ${baselineIngest.p50} | ${baselineIngest.p99} | ${baselineIngest.total} | ${baselineIngest.non2xx} |`,
      `| hub ingest (ingest-only process) | ${hubIngest.perSecond.toFixed(0)} | ${hubIngest.p50} | ${hubIngest.p99} | ${hubIngest.total} | ${hubIngest.non2xx} |`,
      `| hub ingest with processing alongside | ${saturated.perSecond.toFixed(0)} | ${saturated.p50} | ${saturated.p99} | ${saturated.total} | ${saturated.non2xx} |`,
      `| hub at a steady 1,000/s | ${steady.perSecond.toFixed(0)} | ${steady.p50} | ${steady.p99} | ${steady.total} | ${steady.non2xx} |`,
      '',
      `- hub/baseline ingest ratio: **${ratio.toFixed(2)}** (aim ≥ 0.75)`,
      `- acknowledged deliveries/s: **${hubIngest.perSecond.toFixed(0)}** ingest-only, **${saturated.perSecond.toFixed(0)}** with processing in the same process (aim ≥ 2,500 on 2 cores)`,
      `- processing: ${saturated.total} deliveries turned into conversions in ${(SECONDS + drainSeconds).toFixed(1)} s = **${processedPerSecond.toFixed(0)} conversions/s** sustained`,
      `- processing lag at 1,000/s (stored → conversion recorded), ${lag?.events ?? 0} events: p50 **${((lag?.p50 ?? 0) * 1000).toFixed(0)} ms**, p99 **${((lag?.p99 ?? 0) * 1000).toFixed(0)} ms**, max ${((lag?.max ?? 0) * 1000).toFixed(0)} ms (aim p99 < 1 s)`,
      `- every processed event made its conversion: ${events} events processed, ${conversions} conversions`,
      `- hub peak memory (RSS high-water mark): **${rss} MB** (aim < 300 MB)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await admin(async (client) => {
      for (const name of Object.values(databases)) await client.query(`drop database if exists "${name}" with (force)`);
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
