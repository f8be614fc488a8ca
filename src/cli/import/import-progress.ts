/**
 * @module The import's progress bar (cli-progress) on stderr: done of total, rate, ETA, and the
 * created / duplicate / failed counts. Drawn on a terminal; elsewhere (a pipe, a CI log) only when
 * asked with `--progress`, as a line every second instead of a redrawn bar.
 */
import { SingleBar } from 'cli-progress';

export interface ProgressCounts {
  created: number;
  duplicate: number;
  failed: number;
}

export interface ImportProgress {
  update(done: number, counts: ProgressCounts): void;
  stop(): void;
}

const FORMAT = 'import |{bar}| {percentage}% {value}/{total} | {rate}/s | ETA {eta_formatted} | created {created} · duplicate {duplicate} · failed {failed}';

export function createImportProgress(options: { total: number; alreadyDone: number; mode: 'auto' | 'always' | 'never' }): ImportProgress {
  const show = options.mode === 'always' || (options.mode === 'auto' && process.stderr.isTTY === true);
  if (!show) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: FORMAT, stream: process.stderr, barsize: 24, hideCursor: true, etaBuffer: 200, fps: 5,
    noTTYOutput: options.mode === 'always', notTTYSchedule: 1_000,
  });
  const startedAt = Date.now();
  const rateOf = (done: number) => {
    const seconds = (Date.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round((done - options.alreadyDone) / seconds) : 0;
  };
  bar.start(options.total, options.alreadyDone, { rate: 0, created: 0, duplicate: 0, failed: 0 });
  let last = options.alreadyDone;
  return {
    update(done, counts) {
      last = done;
      bar.update(done, { rate: rateOf(done), ...counts });
    },
    stop() {
      bar.update(last, { rate: rateOf(last) });
      bar.stop();
    },
  };
}
