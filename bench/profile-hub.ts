/**
 * `node --import tsx bench/profile-hub.ts [ingest|processing] [seconds]`: a CPU profile of the hub on
 * PostgreSQL under the bench's load, and the functions that take the most of it (self time, and
 * total time by file). For finding where the time goes, not for recording numbers.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { ADMIN_TOKEN, deliveryFactory, load, SECRET, setUpMerchant } from './load.js';
import { startChild, stop } from './processes.js';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const mode = process.argv[2] ?? 'ingest';
const seconds = Number(process.argv[3] ?? 10);
const directory = process.env.PROFILE_DIR ?? '/tmp/prof';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

async function main(): Promise<void> {
  const database = `hub_profile_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const hub = mode === 'baseline'
    ? await startChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${directory}`, '--import', 'tsx', 'bench/baseline-server.ts'],
      { BASELINE_DATABASE_URL: url.toString(), BASELINE_SECRET: SECRET }, /baseline listening on (\d+)/)
    : await startChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${directory}`, 'dist/src/cli/start.js'], {
      DATABASE_URL: url.toString(), HUB_SECRET_KEY: randomBytes(32).toString('hex'), HUB_ADMIN_TOKEN: ADMIN_TOKEN, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error',
      ...(mode === 'ingest' ? { HUB_PROCESSING_CONCURRENCY: '0' } : {}),
    }, /bound to 127\.0\.0\.1:(\d+)/);
  const merchant = mode === 'baseline'
    ? { webhookUrl: `http://127.0.0.1:${hub.port}/`, next: deliveryFactory({ clickId: 'clk_bench', programId: 'camp_bench' }) }
    : await setUpMerchant(`http://127.0.0.1:${hub.port}`);
  await load(merchant.webhookUrl, { connections: 50, seconds: 3, next: merchant.next });
  const backends = new Map<number, { first: number; last: number }>();
  const sample = async () => {
    const pids = (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database])).rows.map((row) => row.pid);
    for (const pid of pids) {
      const ticks = cpuTicks(pid);
      if (ticks === null) continue;
      const known = backends.get(pid);
      backends.set(pid, { first: known?.first ?? ticks, last: ticks });
    }
  };
  await sample();
  const hubBefore = cpuTicks(hub.child.pid ?? 0) ?? 0;
  const sampler = setInterval(() => void sample(), 250);
  const result = await load(merchant.webhookUrl, { connections: 50, seconds, next: merchant.next });
  clearInterval(sampler);
  await sample();
  const hubTicks = (cpuTicks(hub.child.pid ?? 0) ?? 0) - hubBefore;
  const pgTicks = [...backends.values()].reduce((sum, backend) => sum + backend.last - backend.first, 0);
  const perDelivery = (ticks: number) => ((ticks * 10_000) / result.total).toFixed(0);
  process.stdout.write(`${mode}: ${result.perSecond.toFixed(0)}/s p99 ${result.p99} ms; CPU per delivery: hub ${perDelivery(hubTicks)} µs, PostgreSQL backends ${perDelivery(pgTicks)} µs (${backends.size} backends seen)\n`);
  await stop(hub.child, 'SIGINT');
  if (process.env.PROFILE_KEEP_DATABASE) process.stdout.write(`kept database ${database}\n`);
  else await admin.query(`drop database "${database}" with (force)`);
  await admin.end();
  const file = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile')).sort().at(-1);
  if (file) summarize(JSON.parse(readFileSync(`${directory}/${file}`, 'utf8')) as Profile);
}

/** user + system CPU of a process in clock ticks (10 ms), null when it is gone. */
function cpuTicks(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function summarize(profile: Profile): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const time = self.get(node.id) ?? 0;
    const where = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '');
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
    const pkg = where.startsWith('src/') || where.startsWith('adapters/') ? where : where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/') || node.callFrame.functionName;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
  }
  const top = (map: Map<string, number>, count: number) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([name, time]) => `${((time / total) * 100).toFixed(1).padStart(5)} %  ${name}`).join('\n');
  process.stdout.write(`\nself time by function:\n${top(byFunction, 40)}\n\nself time by package/file:\n${top(byPackage, 30)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
