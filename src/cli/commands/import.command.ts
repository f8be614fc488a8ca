/** @module `conversion-hub import <file>`: backfill past sales through the conversions API. */
import { Option, type Command } from 'commander';
import { EXIT, usageError } from '../exit-codes.js';
import { runImport, type ImportSummary } from '../import/run-import.js';
import { hubOptions, positiveInteger } from '../shared-options.js';
import { noteLine, printLine } from '../terminal.js';

interface ImportFlags {
  campaign?: string;
  affiliate?: string;
  concurrency: number;
  restart?: boolean;
  progress?: boolean;
  json?: boolean;
}

const HELP = `
The file: a CSV with a header row, or JSON Lines; each record is a POST /api/v1/conversions body:
  orderId, amount, currency, campaignId, affiliateId, clickId, visitorId, customerEmail, eventType, metadata
(snake_case headers such as order_id work too; metadata is JSON text in a CSV; empty cells are left out).

A 409 (order already recorded) counts as a duplicate: already synced. A 429 pauses every request for
Retry-After seconds and the same sale is sent again. Ctrl-C stops cleanly (exit 130); running the same
command again resumes after the last row that was done (state in <file>.import-state.json; rows sent
just before the stop are answered 409 and count as duplicates). --restart sends every row again.
Rows the hub refused are in <file>.import-failed.jsonl with the reason.

Example:
  $ HUB_API_KEY=hub_sk_… conversion-hub import past-sales.csv --campaign camp_…`;

function printSummary(summary: ImportSummary): void {
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  printLine(`${summary.complete ? 'imported' : 'stopped importing'} ${summary.file} into ${summary.hub}: ${summary.done} of ${summary.total} rows done`
    + `${summary.resumedFrom > 0 ? ` (resumed after row ${summary.resumedFrom})` : ''}; ${summary.sentThisRun} sent in ${seconds} s, ${summary.ratePerSecond}/s`);
  printLine(`  created    ${summary.counts.created}`);
  printLine(`  duplicate  ${summary.counts.duplicate}  (already at the hub: 409)`);
  printLine(`  failed     ${summary.counts.failed}${summary.counts.failed > 0 ? `  (reasons in ${summary.failedFile})` : ''}`);
  if (summary.rateLimited > 0) printLine(`  rate-limited ${summary.rateLimited} time(s); paused ${(summary.pausedMs / 1000).toFixed(1)} s in all`);
  if (!summary.complete) printLine(`run the same command again to resume (state in ${summary.stateFile})`);
}

export function importCommand(program: Command): void {
  program.command('import')
    .description('backfill past sales (CSV or JSON Lines) through the conversions API, resumably, with a progress bar')
    .argument('<file>', 'sales.csv or sales.jsonl')
    .option('--campaign <id>', 'campaignId for rows that name none')
    .option('--affiliate <id>', 'affiliateId for rows that name no affiliate, click or visitor')
    .option('--concurrency <n>', 'requests in flight at once', positiveInteger, 16)
    .option('--restart', 'ignore the saved state and send every row again (409s keep it safe)')
    .addOption(new Option('--progress', 'draw the progress bar even when stderr is not a terminal'))
    .addOption(new Option('--no-progress', 'never draw the progress bar'))
    .option('--json', 'print the summary as one JSON object')
    .addHelpText('after', HELP)
    .action(async (file: string, flags: ImportFlags, command: Command) => {
      const { hub, key } = hubOptions(command);
      if (!key) throw usageError('import needs a write key: --key or HUB_API_KEY (hub_sk_…)');
      const stop = new AbortController();
      let stops = 0;
      const onSignal = () => {
        stops += 1;
        if (stops === 1) {
          noteLine('stopping: letting the requests in flight finish and saving where the import is (Ctrl-C again to quit at once)');
          stop.abort();
        } else {
          process.exit(EXIT.interrupted);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const summary = await runImport({
          file, hub, key, defaults: { campaignId: flags.campaign, affiliateId: flags.affiliate }, concurrency: flags.concurrency,
          restart: flags.restart === true, progress: flags.progress === undefined ? 'auto' : flags.progress ? 'always' : 'never', stopSignal: stop.signal,
        });
        if (flags.json) printLine(JSON.stringify(summary));
        else printSummary(summary);
        process.exitCode = summary.interrupted ? EXIT.interrupted : summary.counts.failed > 0 ? EXIT.failed : EXIT.ok;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
