/**
 * @module The embedded database: a real PostgreSQL server, from the binaries of the npm package for
 * this platform, that the hub creates in `HUB_DATA_DIR/postgres`, starts before it serves and stops
 * after it drained. Its log goes to `HUB_DATA_DIR/postgres.log`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedServerError } from './embedded-server-error.js';
import { clearLeftoverServer, recordHubPid, stopServerProcess } from './leftover-server.js';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { serverLauncher, type ServerLauncher } from './server-launcher.js';
import { EMBEDDED_PORT, serverSettings } from './server-settings.js';

export interface EmbeddedServer {
  /** A postgres:// URL over the server's Unix socket. */
  readonly url: string;
  readonly clusterDirectory: string;
  readonly version: string;
  /** The postmaster's pid (the server's other processes are its children). */
  readonly pid: number;
  /** True when the server stops by itself if the hub's process dies (Linux); otherwise the next start stops it. */
  readonly stopsWithHub: boolean;
  /** Fast shutdown: connections closed, a checkpoint, exit. Call after the pool is closed. */
  stop(): Promise<void>;
}

/** The cluster directory inside HUB_DATA_DIR. An earlier hub kept a PGlite database in `pgdata` beside it. */
export function clusterDirectoryOf(dataDir: string): string {
  return resolve(dataDir, 'postgres');
}

export async function startEmbeddedServer(dataDir: string): Promise<EmbeddedServer> {
  const binaries = locatePostgresBinaries();
  const launcher = serverLauncher();
  const clusterDirectory = clusterDirectoryOf(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  initialiseCluster(clusterDirectory, binaries, launcher);
  const hubPidFile = join(resolve(dataDir), 'hub.pid');
  await clearLeftoverServer(clusterDirectory, hubPidFile);
  const socketDirectory = socketDirectoryFor(clusterDirectory, launcher);
  const logPath = join(resolve(dataDir), 'postgres.log');
  recordHubPid(hubPidFile);
  const child = spawnServer(binaries, launcher, clusterDirectory, socketDirectory, logPath);
  await untilReady(child, clusterDirectory, logPath);
  const pid = child.pid ?? 0;
  let stopping: Promise<void> | null = null;
  return {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDirectory)}`,
    clusterDirectory,
    version: binaries.version,
    pid,
    stopsWithHub: launcher.stopsWithHub,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        await stopServerProcess(pid);
        await exited;
      })();
      return stopping;
    },
  };
}

/**
 * initdb into a side directory renamed into place when complete: a first start interrupted half-way
 * leaves no half-made cluster that would look real to the next one.
 */
function initialiseCluster(clusterDirectory: string, binaries: PostgresBinaries, launcher: ServerLauncher): void {
  const versionFile = join(clusterDirectory, 'PG_VERSION');
  if (existsSync(versionFile)) {
    const clusterVersion = readFileSync(versionFile, 'utf8').trim();
    if (clusterVersion !== binaries.majorVersion) {
      throw new EmbeddedServerError(
        `${clusterDirectory} holds a PostgreSQL ${clusterVersion} database and this hub ships PostgreSQL ${binaries.version}: `
        + `start it with the hub version that created it and move the data with pg_dump, or give this hub another HUB_DATA_DIR`,
      );
    }
    return;
  }
  const building = `${clusterDirectory}.initialising`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { mode: 0o700 });
  if (launcher.account) chownSync(building, launcher.account.uid, launcher.account.gid);
  const { file, args } = launcher.commandLine(binaries.initdb, [
    `--pgdata=${building}`, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions',
    // The new cluster is flushed to disk before it is used; on Linux one syncfs instead of an fsync per file (seconds faster).
    ...(process.platform === 'linux' ? ['--sync-method=syncfs'] : []),
  ]);
  const result = spawnSync(file, args, { encoding: 'utf8', env: serverEnvironment(), ...accountOf(launcher) });
  if (result.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    const output = `${result.stderr}${result.error ? result.error.message : ''}`.trim();
    throw new EmbeddedServerError(`could not create the embedded PostgreSQL database in ${clusterDirectory}: ${output}${permissionHint(output, launcher)}`);
  }
  rmSync(clusterDirectory, { recursive: true, force: true });
  renameSync(building, clusterDirectory);
}

/**
 * The socket lives in the cluster directory, unless that path is too long for a Unix socket address
 * (about 100 bytes); then in a directory of its own under the system's temporary directory, named after
 * the cluster, so hubs with different data directories still never share one.
 */
function socketDirectoryFor(clusterDirectory: string, launcher: ServerLauncher): string {
  if (Buffer.byteLength(`${clusterDirectory}/.s.PGSQL.${EMBEDDED_PORT}`) <= 100) return clusterDirectory;
  const directory = join(tmpdir(), `conversion-hub-${createHash('sha256').update(clusterDirectory).digest('hex').slice(0, 16)}`);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (launcher.account) chownSync(directory, launcher.account.uid, launcher.account.gid);
  return directory;
}

function spawnServer(binaries: PostgresBinaries, launcher: ServerLauncher, clusterDirectory: string, socketDirectory: string, logPath: string): ChildProcess {
  rotateLog(logPath);
  const log = openSync(logPath, 'a', 0o600);
  try {
    const { file, args } = launcher.commandLine(binaries.postgres, ['-D', clusterDirectory, ...serverSettings(socketDirectory)]);
    // Its own process group: a Ctrl-C in the terminal reaches the hub, which drains and then stops the
    // server, rather than the server stopping under requests still in flight.
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log], env: serverEnvironment(), ...accountOf(launcher) });
    child.on('error', () => undefined);
    return child;
  } finally {
    closeSync(log);
  }
}

/** PostgreSQL marks its lock file "ready" once it accepts connections (what pg_ctl waits for). */
async function untilReady(child: ChildProcess, clusterDirectory: string, logPath: string): Promise<void> {
  const lockPath = join(clusterDirectory, 'postmaster.pid');
  let exited = false;
  child.once('exit', () => (exited = true));
  // Crash recovery after an operating-system crash replays the log first; that may take a while on a big database.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited || child.pid === undefined) {
      throw new EmbeddedServerError(`the embedded PostgreSQL server did not start; the end of ${logPath}:\n${logTail(logPath)}`);
    }
    if (isReady(lockPath, child.pid)) return;
    if (Date.now() > deadline) {
      await stopServerProcess(child.pid);
      throw new EmbeddedServerError(`the embedded PostgreSQL server was not ready after 120 s; the end of ${logPath}:\n${logTail(logPath)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isReady(lockPath: string, pid: number): boolean {
  try {
    const lines = readFileSync(lockPath, 'utf8').split('\n');
    return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
  } catch {
    return false;
  }
}

/** One previous run's log is kept beside the current one, so the log cannot grow without bound. */
function rotateLog(logPath: string): void {
  try {
    if (statSync(logPath).size > 10 * 2 ** 20) renameSync(logPath, `${logPath}.1`);
  } catch {
    // No log yet.
  }
}

function logTail(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8').split('\n').slice(-12).join('\n');
  } catch {
    return '(no log)';
  }
}

function permissionHint(output: string, launcher: ServerLauncher): string {
  if (!launcher.account || !/permission denied/i.test(output)) return '';
  return ` (the server runs as the account ${launcher.account.name}, which must be able to enter every directory above HUB_DATA_DIR)`;
}

/** A fixed, small environment: messages in English (the hub shows them), and nothing of the hub's secrets. */
function serverEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}

function accountOf(launcher: ServerLauncher): { uid?: number; gid?: number } {
  return launcher.account ? { uid: launcher.account.uid, gid: launcher.account.gid } : {};
}
