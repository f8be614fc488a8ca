/** @module What the hub needs to know about another process: is it running, what is it, who started it. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface ProcessFacts {
  readonly commandLine: string;
  readonly parentPid: number;
}

/** null when no such process runs (a zombie counts as gone: it has exited, only its exit status is left). */
export function processFacts(pid: number): ProcessFacts | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return existsSync('/proc/self/stat') ? fromProc(pid) : fromPs(pid);
}

function fromProc(pid: number): ProcessFacts | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, parentPid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return null;
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { commandLine, parentPid: Number(parentPid) };
  } catch {
    return null;
  }
}

/** macOS and other systems without /proc. */
function fromPs(pid: number): ProcessFacts | null {
  try {
    const output = execFileSync('ps', ['-o', 'ppid=', '-o', 'state=', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const match = /^(\d+)\s+(\S+)\s+(.*)$/.exec(output);
    if (!match || match[2]?.startsWith('Z')) return null;
    return { parentPid: Number(match[1]), commandLine: match[3] ?? '' };
  } catch {
    return null;
  }
}

/** Resolves true once the process is gone, false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (processFacts(pid) === null) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
