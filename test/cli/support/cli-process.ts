/**
 * The `conversion-hub` CLI as a user runs it: the built `dist/src/cli/conversion-hub.js` (the
 * package's `bin`, built by `npm test`'s pretest) in a child process with an explicit environment,
 * its output collected and its exit code returned. `startCli` keeps a long-running command (events
 * tail, a big import) running while the test acts, and can interrupt it like Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI_ENTRY_POINT = join(import.meta.dirname, '..', '..', '..', 'dist', 'src', 'cli', 'conversion-hub.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout (or stderr) matches; rejects after `timeoutMs` with what was printed. */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' }): Promise<RegExpMatchArray>;
  /** Sends SIGINT (Ctrl-C) and resolves with the run once the process has exited. */
  interrupt(): Promise<CliRun>;
  readonly finished: Promise<CliRun>;
}

export function startCli(args: readonly string[], environment: Record<string, string> = {}, options: { cwd?: string } = {}): RunningCli {
  if (!existsSync(CLI_ENTRY_POINT)) throw new Error(`${CLI_ENTRY_POINT} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI_ENTRY_POINT, ...args], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  const finished = new Promise<CliRun>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  // A command that hangs must not outlive its test.
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  void finished.then(() => clearTimeout(guard));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    finished,
    waitFor(pattern, { timeoutMs = 30_000, stream = 'stdout' } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stream === 'stdout' ? stdout : stderr).match(pattern);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${String(pattern)} on ${stream} within ${timeoutMs} ms\n--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-4000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void finished.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`the command exited before ${String(pattern)} appeared\n--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-4000)}`));
          }
        });
      });
    },
    interrupt() {
      child.kill('SIGINT');
      return finished;
    },
  };
}

/** Runs a command to its end. */
export function runCli(args: readonly string[], environment: Record<string, string> = {}, options: { cwd?: string } = {}): Promise<CliRun> {
  return startCli(args, environment, options).finished;
}
