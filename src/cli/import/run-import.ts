/**
 * @module `conversion-hub import <file>`: backfills past sales through the conversions API as a sync
 * client should (conversion-sender.ts), `--concurrency` requests at once, with a progress bar and a
 * summary. It resumes after an interruption from the state file beside the input (import-state.ts),
 * and relies on the hub's 409 for whatever was sent just before the interruption. Rows the hub
 * refuses are written, with the reason, to `<file>.import-failed.jsonl`.
 */
import { accessSync, appendFileSync, constants, writeFileSync } from 'node:fs';
import { CliError, EXIT, usageError } from '../exit-codes.js';
import { ConversionSender, realClock, type SenderClock, type SendOutcome } from './conversion-sender.js';
import { createImportProgress } from './import-progress.js';
import { fingerprintInput, keyFingerprint, loadState, RowFrontier, saveState, stateFileOf, type ImportCounts, type ImportState } from './import-state.js';
import { countSales, readSales, salesFormatOf, type SaleDefaults } from './sales-file.js';

export interface ImportOptions {
  file: string;
  hub: string;
  key: string;
  defaults: SaleDefaults;
  concurrency: number;
  /** Ignore the saved state and send every row again. */
  restart: boolean;
  progress: 'auto' | 'always' | 'never';
  /** Set to stop: no new row is sent, those in flight finish, the state is saved. */
  stopSignal: AbortSignal;
  /** How rate-limit pauses are waited (default: real time). */
  clock?: SenderClock;
}

export interface ImportSummary {
  file: string;
  hub: string;
  total: number;
  /** Rows with their final answer, this run and earlier ones; the counts are of these rows. */
  done: number;
  counts: ImportCounts;
  /** Rows already done by an earlier, interrupted run, skipped now. */
  resumedFrom: number;
  sentThisRun: number;
  elapsedMs: number;
  ratePerSecond: number;
  rateLimited: number;
  pausedMs: number;
  stateFile: string;
  failedFile: string;
  interrupted: boolean;
  complete: boolean;
}

export const failedFileOf = (input: string) => `${input}.import-failed.jsonl`;

const SAVE_EVERY_MS = 1_000;

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const format = salesFormatOf(options.file);
  try {
    accessSync(options.file, constants.R_OK);
  } catch {
    throw usageError(`cannot read ${options.file}`);
  }
  const stateFile = stateFileOf(options.file);
  const failedFile = failedFileOf(options.file);
  const identity = { input: await fingerprintInput(options.file), hub: options.hub, keyFingerprint: keyFingerprint(options.key) };
  const saved = options.restart ? null : loadState(stateFile, identity);
  const total = await countSales(options.file, format);
  const state: ImportState = saved ?? { version: 1, ...identity, doneThrough: 0, counts: { created: 0, duplicate: 0, failed: 0 }, complete: false, updatedAt: '' };
  if (!saved) writeFileSync(failedFile, '');
  const frontier = new RowFrontier(state.doneThrough, state.counts);
  const live = { created: 0, duplicate: 0, failed: 0 };
  const progress = createImportProgress({ total, alreadyDone: state.doneThrough, mode: options.progress });
  const sender = new ConversionSender(options.hub, options.key, options.concurrency, options.clock ?? realClock);
  const save = () => saveState(stateFile, { ...state, doneThrough: frontier.doneThrough, counts: frontier.counts, complete: frontier.doneThrough >= total });
  const timer = setInterval(save, SAVE_EVERY_MS);
  const startedAt = Date.now();
  let sent = 0;
  let fatal: unknown = null;

  const finish = (row: number, outcome: SendOutcome | { outcome: 'failed'; status: null; error: string }, body: unknown) => {
    const kind = outcome.outcome;
    live[kind] += 1;
    frontier.finish(row, kind);
    if (outcome.outcome === 'failed') appendFileSync(failedFile, `${JSON.stringify({ row, status: outcome.status, error: outcome.error, conversion: body })}\n`);
    progress.update(state.doneThrough + live.created + live.duplicate + live.failed, live);
  };

  const inFlight = new Set<Promise<void>>();
  try {
    for await (const record of readSales(options.file, format, options.defaults)) {
      if (record.row <= state.doneThrough) continue;
      if (options.stopSignal.aborted || fatal) break;
      if (record.problem !== undefined) {
        finish(record.row, { outcome: 'failed', status: null, error: record.problem }, null);
        continue;
      }
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (options.stopSignal.aborted || fatal) break;
      sent += 1;
      const body = record.body;
      const request = sender.send(body).then((outcome) => finish(record.row, outcome, body), (error: unknown) => {
        fatal ??= error;
      }).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(timer);
    progress.stop();
    save();
    await sender.close();
  }
  if (fatal) throw fatal instanceof CliError ? fatal : new CliError(EXIT.failed, fatal instanceof Error ? fatal.message : 'the import failed');
  const elapsedMs = Date.now() - startedAt;
  return {
    file: options.file, hub: options.hub, total, done: frontier.doneThrough, counts: frontier.counts, resumedFrom: state.doneThrough,
    sentThisRun: sent, elapsedMs, ratePerSecond: elapsedMs > 0 ? Math.round(((live.created + live.duplicate + live.failed) * 1000) / elapsedMs) : 0,
    rateLimited: sender.stats.rateLimited, pausedMs: sender.stats.pausedMs, stateFile, failedFile,
    interrupted: options.stopSignal.aborted, complete: frontier.doneThrough >= total,
  };
}
