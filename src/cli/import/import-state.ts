/**
 * @module Where an interrupted `import` resumes: a state file next to the input
 * (`sales.csv.import-state.json`). It names the input by size and SHA-256, the hub and the key (by a
 * fingerprint, never the key), and holds `doneThrough`: every row up to it got its final answer.
 * Rows after it may have been sent already when the import stopped; they are sent again, and the
 * hub's 409 ("already recorded") makes that safe — they count as duplicates. A changed input file,
 * another hub or another key starts over (with the same 409 safety net).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

export interface ImportCounts {
  created: number;
  duplicate: number;
  failed: number;
}

export interface ImportState {
  version: 1;
  input: { size: number; sha256: string };
  hub: string;
  keyFingerprint: string;
  doneThrough: number;
  /** Counts of rows 1…doneThrough. */
  counts: ImportCounts;
  complete: boolean;
  updatedAt: string;
}

export const stateFileOf = (input: string) => `${input}.import-state.json`;

export async function fingerprintInput(file: string): Promise<ImportState['input']> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { size: statSync(file).size, sha256: hash.digest('hex') };
}

export const keyFingerprint = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** The saved state if it belongs to this input, hub and key; null otherwise (or when there is none). */
export function loadState(stateFile: string, expected: Pick<ImportState, 'input' | 'hub' | 'keyFingerprint'>): ImportState | null {
  if (!existsSync(stateFile)) return null;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as ImportState;
    const same = state.version === 1 && state.input.sha256 === expected.input.sha256 && state.input.size === expected.input.size
      && state.hub === expected.hub && state.keyFingerprint === expected.keyFingerprint;
    return same ? state : null;
  } catch {
    return null;
  }
}

/** Written whole to a temporary file, then renamed over the old one: a crash never leaves half a state. */
export function saveState(stateFile: string, state: ImportState): void {
  const temporary = `${stateFile}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(temporary, stateFile);
}

/**
 * Tracks which rows are finished while they finish out of order (requests run concurrently), and
 * moves `doneThrough` forward over every unbroken run of finished rows.
 */
export class RowFrontier {
  doneThrough: number;
  readonly counts: ImportCounts;
  readonly #finished = new Map<number, keyof ImportCounts>();

  constructor(doneThrough: number, counts: ImportCounts) {
    this.doneThrough = doneThrough;
    this.counts = { ...counts };
  }

  finish(row: number, outcome: keyof ImportCounts): void {
    this.#finished.set(row, outcome);
    for (let next = this.#finished.get(this.doneThrough + 1); next !== undefined; next = this.#finished.get(this.doneThrough + 1)) {
      this.#finished.delete(this.doneThrough + 1);
      this.doneThrough += 1;
      this.counts[next] += 1;
    }
  }
}
