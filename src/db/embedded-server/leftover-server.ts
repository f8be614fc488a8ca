/**
 * @module Before the hub starts its server: what a previous run left in the cluster directory.
 *
 * PostgreSQL's own lock is `postmaster.pid`. A server still running there is the child of the hub
 * that started it while that hub lives (its pid is kept in `hub.pid` beside the cluster): then another
 * hub is using this data directory, and this one refuses rather than take the database from under it.
 * Once that hub is gone the server has another parent (init, or a subreaper), serves nobody, and is
 * stopped. A lock whose process is gone is PostgreSQL's to clear; one whose pid now belongs to another
 * program (pids are handed out again after a reboot) would make PostgreSQL refuse to start, so the hub
 * removes it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedServerError } from './embedded-server-error.js';
import { processFacts, waitForExit } from './process-facts.js';

export async function clearLeftoverServer(clusterDirectory: string, hubPidFile: string): Promise<void> {
  const lockPath = join(clusterDirectory, 'postmaster.pid');
  const pid = readPid(lockPath);
  if (pid === null) return;
  const server = processFacts(pid);
  if (server === null) return;
  if (!server.commandLine.includes(clusterDirectory)) {
    rmSync(lockPath, { force: true });
    return;
  }
  const owner = readPid(hubPidFile);
  if (owner === null ? server.parentPid !== 1 : server.parentPid === owner) {
    throw new EmbeddedServerError(
      `the embedded PostgreSQL server of ${clusterDirectory} is already running (pid ${pid}, started by process ${server.parentPid}): `
      + 'another hub is using this HUB_DATA_DIR. Stop that hub, or give this hub another HUB_DATA_DIR.',
    );
  }
  await stopServerProcess(pid);
}

/** Written beside the cluster each time a hub starts its server (`hub.pid`), for the next start's check above. */
export function recordHubPid(hubPidFile: string): void {
  writeFileSync(hubPidFile, `${process.pid}\n`, { mode: 0o600 });
}

/** SIGINT (fast shutdown: clean, nothing committed is lost), then SIGQUIT (immediate; recovery replays the log at the next start). */
export async function stopServerProcess(pid: number): Promise<void> {
  for (const [signal, waitMs] of [['SIGINT', 30_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, waitMs)) return;
  }
  throw new EmbeddedServerError(`the embedded PostgreSQL server (pid ${pid}) did not stop`);
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
