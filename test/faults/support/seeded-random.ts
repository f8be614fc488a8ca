/**
 * A small seeded PRNG (mulberry32) for the fault suite. Every corpus and every schedule of kills is
 * drawn from one seed, so a failure is reproduced by running again with `FAULT_SEED=<seed>`; each
 * test prints its seed in its failure messages.
 */

export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return {
    seed,
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    chance: (probability) => next() < probability,
  };
}

/**
 * The seed of one test: `FAULT_SEED` when set (to reproduce a failure), else a fixed seed derived
 * from the test's name, so runs are deterministic and two tests do not share a stream.
 */
export function faultSeed(testName: string): number {
  const fromEnvironment = process.env.FAULT_SEED;
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    const seed = Number(fromEnvironment);
    if (!Number.isInteger(seed)) throw new Error(`FAULT_SEED must be an integer, got "${fromEnvironment}"`);
    return seed >>> 0;
  }
  let hash = 2166136261;
  for (const character of testName) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619);
  return hash >>> 0;
}

/** The line a failure message carries so the run can be repeated. */
export function reproduceWith(seed: number): string {
  return `reproduce with FAULT_SEED=${seed}`;
}
