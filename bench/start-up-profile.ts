/**
 * Where the embedded default's start-up time and memory go, step by step, each step in a fresh Node
 * process on the compiled hub (dist/): Node itself, loading the hub's modules, and each embedded engine
 * opening a database — PGlite with its own settings and tuned (small shared buffers), first start (an
 * empty directory) and later start; and the embedded PostgreSQL server (initdb, start, its processes'
 * memory with no connection yet).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProfileStep {
  readonly step: string;
  readonly milliseconds: number;
  /** The Node process's RSS after the step. */
  readonly rssMb: number;
  /** JavaScript heap in use (V8), and memory outside it (WebAssembly memory, buffers). */
  readonly heapMb: number;
  readonly externalMb: number;
  /** The embedded server's own processes, summed (RSS), where the step starts one. */
  readonly serverRssMb?: number;
}

/** PGlite 0.5.16's own start parameters (PGlite.defaultStartParams), plus smaller shared buffers. */
const PGLITE_TUNED = [
  '--single', '-F', '-O', '-j', '-c', 'search_path=public', '-c', 'exit_on_error=false', '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0', '-c', 'max_parallel_workers=0', '-c', 'max_parallel_workers_per_gather=0', '-c', 'io_method=sync',
  '-c', 'max_parallel_maintenance_workers=0', '-c', 'shared_buffers=16MB', '-c', 'max_connections=5',
];

const MEASURE = `
const mb = (bytes) => Math.round(bytes / 2 ** 20);
const report = (extra = {}) => { const m = process.memoryUsage(); process.stdout.write(JSON.stringify({ rssMb: mb(m.rss), heapMb: mb(m.heapUsed), externalMb: mb(m.external), ...extra })); };
`;

function inFreshNode(code: string): Record<string, number> {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', MEASURE + code], { encoding: 'utf8', cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' } });
  if (result.status !== 0) throw new Error(`profile step failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, number>;
}

function step(name: string, code: string): ProfileStep {
  const measured = inFreshNode(code);
  return { step: name, milliseconds: measured.milliseconds ?? 0, rssMb: measured.rssMb ?? 0, heapMb: measured.heapMb ?? 0, externalMb: measured.externalMb ?? 0, ...(measured.serverRssMb === undefined ? {} : { serverRssMb: measured.serverRssMb }) };
}

function openPGlite(directory: string, startParams: readonly string[] | null): string {
  return `
await import('./dist/src/hub.js');
const { PGlite } = await import('@electric-sql/pglite');
const started = performance.now();
const client = await PGlite.create(${JSON.stringify(directory)}${startParams ? `, { startParams: ${JSON.stringify(startParams)} }` : ''});
await client.query('select 1');
const milliseconds = Math.round(performance.now() - started);
report({ milliseconds });
await client.close();`;
}

function startServer(dataDir: string): string {
  return `
await import('./dist/src/hub.js');
const { startEmbeddedServer } = await import('./dist/src/db/embedded-server/embedded-server.js');
const { readFileSync, readdirSync } = await import('node:fs');
const tree = (pid) => [pid, ...readdirSync('/proc/' + pid + '/task').flatMap((task) => readFileSync('/proc/' + pid + '/task/' + task + '/children', 'utf8').trim().split(' ').filter(Boolean).map(Number).flatMap(tree))];
const started = performance.now();
const server = await startEmbeddedServer(${JSON.stringify(dataDir)});
const milliseconds = Math.round(performance.now() - started);
await new Promise((resolve) => setTimeout(resolve, 1000));
const serverRssMb = Math.round(tree(server.pid).reduce((sum, pid) => sum + Number(/^Rss:\\s+(\\d+)/m.exec(readFileSync('/proc/' + pid + '/smaps_rollup', 'utf8'))?.[1] ?? 0), 0) / 1024);
report({ milliseconds, serverRssMb });
await server.stop();`;
}

export function profileStartUp(): ProfileStep[] {
  const scratch = mkdtempSync(join(tmpdir(), 'hub-bench-profile-'));
  try {
    return [
      step('Node.js alone', 'report({ milliseconds: 0 });'),
      step('load the hub\'s modules (dist/src/hub.js)', 'const started = performance.now(); await import(\'./dist/src/hub.js\'); report({ milliseconds: Math.round(performance.now() - started) });'),
      step('PGlite, its settings: first start (initdb)', openPGlite(join(scratch, 'pglite-default'), null)),
      step('PGlite, its settings: later start', openPGlite(join(scratch, 'pglite-default'), null)),
      step('PGlite, shared_buffers 16MB: first start', openPGlite(join(scratch, 'pglite-tuned'), PGLITE_TUNED)),
      step('PGlite, shared_buffers 16MB: later start', openPGlite(join(scratch, 'pglite-tuned'), PGLITE_TUNED)),
      step('embedded PostgreSQL server: first start (initdb)', startServer(join(scratch, 'server'))),
      step('embedded PostgreSQL server: later start', startServer(join(scratch, 'server'))),
    ];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
