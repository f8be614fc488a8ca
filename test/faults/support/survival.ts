/**
 * "The hub survived": the process is alive, it never exited on its own, `/healthz` answers 200, and
 * nothing it printed says an error went unhandled or uncaught. Checked after every attack, counting
 * only what happened since the attack began (`markSurvival`).
 */
import { expect } from 'vitest';
import { healthStatus } from './hub-api.js';
import type { HubRunner } from './hub-runner.js';
import { reproduceWith } from './seeded-random.js';

export interface SurvivalMark {
  crashes: number;
  escapedErrorLines: number;
}

export function markSurvival(runner: HubRunner): SurvivalMark {
  return { crashes: runner.crashes().length, escapedErrorLines: runner.output.escapedErrorLines().length };
}

/** `seed` is the corpus or schedule seed of a seeded test, to print in the failure. */
export async function expectHubSurvived(runner: HubRunner, mark: SurvivalMark, context: { what: string; seed?: number }): Promise<void> {
  const reproduce = context.seed === undefined ? '' : ` (${reproduceWith(context.seed)})`;
  const failure = (problem: string) => `${context.what}: ${problem}${reproduce}\n${runner.report()}`;
  expect(runner.crashes().slice(mark.crashes), failure('the hub exited on its own')).toEqual([]);
  expect(runner.isAlive(), failure('the hub is not running')).toBe(true);
  expect(await healthStatus(runner.url), failure('/healthz did not answer 200')).toBe(200);
  expect(runner.output.escapedErrorLines(mark.escapedErrorLines), failure('the hub logged an unhandled or uncaught error')).toEqual([]);
}
