/**
 * Sends a corpus to a hub child process with bounded concurrency and judges every outcome: an answer
 * of 500 or more, a request with no answer (client-side timeout), a connection dropped on a request
 * the hub had no reason to refuse at the socket, and a 2xx storing a request that was surely not
 * authentic are all violations. The eventIds of stored deliveries are collected so the test can
 * check the hub stored nothing else. If the hub dies, sending stops and the cases in flight at that
 * moment are named.
 */
import type { FuzzCase } from './fuzz-case.js';
import type { HubRunner } from './hub-runner.js';
import { jsonOf, runBounded, sendRaw } from './raw-http.js';

export interface CorpusOptions {
  count: number;
  concurrency?: number;
  timeoutMs?: number;
  /** What a 2xx says was stored: a delivery's `eventId` by default. */
  storedIdOf?: (answer: unknown) => string | null;
}

function eventIdOf(answer: unknown): string | null {
  const eventId = (answer as { eventId?: unknown } | null)?.eventId;
  return typeof eventId === 'string' ? eventId : null;
}

export interface CorpusResult {
  sent: number;
  violations: string[];
  /** Ids of what the hub acknowledged storing (2xx naming an event, or a conversion). */
  storedIds: Set<string>;
  /** How many of each outcome ("200", "400", "socket ECONNRESET", "timeout"). */
  outcomes: Map<string, number>;
  /** Labels of the cases in flight when the hub was first seen dead; empty if it lived. */
  inFlightAtDeath: string[];
}

/** Node refuses a request head over 16 KB with 431 and closes the connection; past ~12 KB a reset is fair. */
const LARGE_REQUEST_HEAD = 12_000;

function headSize(fuzzCase: FuzzCase): number {
  const headers = Object.entries(fuzzCase.request.headers).reduce((sum, [name, value]) => sum + name.length + (Array.isArray(value) ? value.join('').length : value.length) + 4, 0);
  return fuzzCase.request.path.length + headers;
}

export async function runCorpus(runner: HubRunner, makeCase: (index: number) => FuzzCase, options: CorpusOptions): Promise<CorpusResult> {
  const result: CorpusResult = { sent: 0, violations: [], storedIds: new Set(), outcomes: new Map(), inFlightAtDeath: [] };
  const inFlight = new Map<number, string>();
  const count = (key: string) => result.outcomes.set(key, (result.outcomes.get(key) ?? 0) + 1);
  const noteDeath = () => {
    if (!runner.isAlive() && result.inFlightAtDeath.length === 0) result.inFlightAtDeath = [...inFlight.values()];
  };
  const indexes = Array.from({ length: options.count }, (_, index) => index);
  await runBounded(indexes, options.concurrency ?? 24, async (index) => {
    const fuzzCase = makeCase(index);
    const baseUrl = runner.url;
    inFlight.set(index, fuzzCase.label);
    result.sent += 1;
    const outcome = await sendRaw(baseUrl, { ...fuzzCase.request, timeoutMs: options.timeoutMs ?? 15_000 });
    noteDeath();
    inFlight.delete(index);
    if (outcome.kind === 'timeout') {
      count('timeout');
      result.violations.push(`no answer within ${outcome.elapsedMs} ms: ${fuzzCase.label}`);
      return;
    }
    if (outcome.kind === 'socket-error') {
      count(`socket ${outcome.code}`);
      const mayReset = fuzzCase.mayReset || headSize(fuzzCase) > LARGE_REQUEST_HEAD;
      if (!mayReset && runner.isAlive()) result.violations.push(`connection failed (${outcome.code}: ${outcome.message}): ${fuzzCase.label}`);
      return;
    }
    count(String(outcome.status));
    if (outcome.status >= 500) result.violations.push(`${outcome.status} ${outcome.body.slice(0, 300)}: ${fuzzCase.label}`);
    if (outcome.status >= 200 && outcome.status < 300) {
      const storedId = (options.storedIdOf ?? eventIdOf)(jsonOf(outcome));
      if (storedId !== null) {
        result.storedIds.add(storedId);
        if (!fuzzCase.mayBeStored) result.violations.push(`${outcome.status} stored ${storedId} from a request that is not authentic: ${fuzzCase.label}`);
      }
    }
  }, () => !runner.isAlive());
  return result;
}

/** One line per outcome kind, for failure messages. */
export function describeOutcomes(result: CorpusResult): string {
  return [...result.outcomes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `${key}: ${value}`).join(', ');
}
