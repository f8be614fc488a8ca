/**
 * A hub run as `npm start` runs it (src/cli/start.ts, through tsx so the sources under test are what
 * runs), on loopback and a free port: its output, its port once the banner names it, and its exit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface HubProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves with the port from the banner; rejects with the output if the process exits first. */
  readonly listening: Promise<number>;
  /** Resolves with the exit code (null when ended by a signal). */
  readonly exited: Promise<number | null>;
}

export function startHubProcess(environment: Record<string, string>): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...environment },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /bound to 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`the hub exited with ${code} before listening:\n${output}`)));
  });
  listening.catch(() => undefined);
  return { child, output: () => output, listening, exited };
}
