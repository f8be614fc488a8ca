/**
 * One hub child process: the real `node dist/src/cli/start.js` (built by `npm run build`, which
 * `npm test` runs first), started with an explicit environment and nothing inherited but PATH, its
 * port read from the banner (`bound to 127.0.0.1:<port>`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HubOutput } from './hub-output.js';

export const HUB_ENTRY_POINT = join(import.meta.dirname, '..', '..', '..', 'dist', 'src', 'cli', 'start.js');

const BANNER = /bound to 127\.0\.0\.1:(\d+)/;

export interface HubExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HubProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<HubExit>;
  /** The exit, once it happened; null while running. */
  exit(): HubExit | null;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<HubExit>;
}

/** Starts a hub and resolves once it listens; rejects with its output if it exits or stalls first. */
export async function startHubProcess(environment: Record<string, string>, output: HubOutput, options: { startTimeoutMs?: number; label?: string } = {}): Promise<HubProcess> {
  if (!existsSync(HUB_ENTRY_POINT)) throw new Error(`${HUB_ENTRY_POINT} is missing: run \`npm run build\` first`);
  const child: ChildProcess = spawn(process.execPath, [HUB_ENTRY_POINT], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  const label = options.label ?? `hub ${pid}`;
  let exit: HubExit | null = null;
  const exited = new Promise<HubExit>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      output.note(`${label} exited (code ${code}, signal ${signal})`);
      resolve(exit);
    });
  });
  let banner = '';
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.append(`${pid}:stdout`, text);
      if (banner.length < 10_000) banner += text;
      const match = BANNER.exec(banner);
      if (match) resolve(Number(match[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => output.append(`${pid}:stderr`, chunk.toString('utf8')));
    void exited.then((result) => reject(new Error(`${label} exited before listening (code ${result.code}, signal ${result.signal}):\n${output.tail()}`)));
  });
  const kill = async (): Promise<HubExit> => {
    if (exit) return exit;
    child.kill('SIGKILL');
    return exited;
  };
  const timeoutMs = options.startTimeoutMs ?? 45_000;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not print its banner within ${timeoutMs} ms:\n${output.tail()}`)), timeoutMs);
  });
  try {
    const boundPort = await Promise.race([port, stalled]);
    return { url: `http://127.0.0.1:${boundPort}`, pid, exited, exit: () => exit, kill };
  } catch (error) {
    await kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
