/**
 * The bench's view of the processes it starts: start one and read the port it prints, stop it, and
 * measure the memory of a process together with every process it owns (the embedded PostgreSQL
 * server is a child of its hub: its postmaster and every backend count).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Starts a child process and resolves with it and the port it printed. */
export function startChild(file: string, args: string[], environment: Record<string, string>, portPattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(file, args, { env: { PATH: process.env.PATH ?? '', ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = portPattern.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** A process and all its descendants (children of every thread, recursively). */
export function processTree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(' ').map(Number));
    }
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

export interface TreeMemory {
  /** Sum of every process's resident set: pages shared between them (the server's shared buffers, its binary) count once per process. */
  readonly rssMb: number;
  /** Sum of proportional sets: each shared page divided among its sharers — what the tree really costs the machine. */
  readonly pssMb: number;
  readonly processes: number;
}

export function treeMemory(pid: number): TreeMemory {
  let rssKb = 0;
  let pssKb = 0;
  const pids = processTree(pid);
  for (const member of pids) {
    try {
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, 'utf8');
      rssKb += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // Gone between listing and reading (a backend that just exited).
    }
  }
  return { rssMb: Math.round(rssKb / 1024), pssMb: Math.round(pssKb / 1024), processes: pids.length };
}

/** Samples a tree's memory every 250 ms until stopped; returns the sample with the largest RSS sum. */
export function sampleTreeMemory(pid: number): { stop(): TreeMemory } {
  let peak: TreeMemory = treeMemory(pid);
  const timer = setInterval(() => {
    const now = treeMemory(pid);
    if (now.rssMb > peak.rssMb) peak = now;
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** The RSS high-water mark of one process (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}
