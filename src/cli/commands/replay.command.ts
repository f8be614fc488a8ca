/** @module `conversion-hub replay`: replay the events matching a filter, or list them (`--dry-run`). */
import { Option, type Command } from 'commander';
import { PROVIDER_IDS } from '../../contract/providers.js';
import { EXIT, usageError } from '../exit-codes.js';
import { HubClient } from '../hub-client.js';
import { findEvents, replayEvent, replayFailed, type ReplayOutcome } from '../replay/replay-events.js';
import { duration, hubOptions, positiveInteger } from '../shared-options.js';
import { printLine } from '../terminal.js';

interface ReplayFlags {
  status?: string;
  provider?: string;
  connection?: string;
  since?: number;
  limit?: number;
  all?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ conversion-hub replay --status failed --provider paddle --since 2d --dry-run
  $ conversion-hub replay --status failed --provider paddle --since 2d
  $ conversion-hub replay --status dead --connection con_…

Replay needs a write key (a dry run, a read key). Exit code 1 if any replay was refused or its event still failed.`;

const summaryOf = (outcomes: readonly ReplayOutcome[]) => {
  const failed = outcomes.filter(replayFailed).length;
  return { replayed: outcomes.length - failed, failed };
};

export function replayCommand(program: Command): void {
  program.command('replay')
    .description('process stored events again with the hub’s current code (idempotent), chosen by a filter')
    .addOption(new Option('--status <status>', 'events with this status').choices(['received', 'processed', 'ignored', 'waiting', 'failed', 'dead']))
    .addOption(new Option('--provider <provider>', 'events of this processor').choices(PROVIDER_IDS))
    .option('--connection <id>', 'events of this connection')
    .option('--since <duration>', 'events received within this long ago: 90s, 15m, 12h, 2d, 1w', duration)
    .option('--limit <n>', 'at most this many (the newest)', positiveInteger)
    .option('--all', 'every event, when no filter is given')
    .option('--dry-run', 'list the events that would be replayed, and replay nothing')
    .option('--json', 'one JSON object per event, then a summary object')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ReplayFlags, command: Command) => {
      const { hub, key } = hubOptions(command);
      if (!key) throw usageError('replay needs a merchant key: --key or HUB_API_KEY (a write key; a read key for --dry-run)');
      if (!flags.all && !flags.status && !flags.provider && !flags.connection && flags.since === undefined) {
        throw usageError('say which events to replay: --status, --provider, --connection and/or --since (or --all)');
      }
      const client = new HubClient(hub, key);
      const events = await findEvents(client, {
        status: flags.status, provider: flags.provider, connectionId: flags.connection, limit: flags.limit,
        since: flags.since === undefined ? undefined : new Date(Date.now() - flags.since),
      });
      if (flags.dryRun) {
        for (const event of events) {
          printLine(flags.json ? JSON.stringify({ wouldReplay: event }) : `would replay ${event.id}  ${event.provider} ${event.type}  ${event.status}${event.reason ? ` (${event.reason})` : ''}  received ${event.receivedAt}`);
        }
        printLine(flags.json ? JSON.stringify({ dryRun: true, matched: events.length }) : `${events.length} event(s) match; nothing was replayed (dry run)`);
        return;
      }
      let interrupted = false;
      const stop = () => { interrupted = true; };
      process.once('SIGINT', stop);
      const outcomes: ReplayOutcome[] = [];
      try {
        // Oldest first: a refund replayed after its sale finds the sale recorded.
        for (const event of [...events].reverse()) {
          if (interrupted) break;
          const outcome = await replayEvent(client, event);
          outcomes.push(outcome);
          const after = outcome.after ? `${outcome.after.status}${outcome.after.reason ? ` (${outcome.after.reason})` : ''}${outcome.after.error ? `: ${outcome.after.error}` : ''}` : `refused: ${outcome.error ?? ''}`;
          printLine(flags.json ? JSON.stringify(outcome) : `${event.id}  ${event.provider} ${event.type}  ${event.status} → ${after}`);
        }
      } finally {
        process.off('SIGINT', stop);
      }
      const summary = summaryOf(outcomes);
      printLine(flags.json ? JSON.stringify({ matched: events.length, ...summary, interrupted })
        : `${events.length} matched, ${summary.replayed} replayed, ${summary.failed} failed${interrupted ? ' — interrupted' : ''}`);
      process.exitCode = interrupted ? EXIT.interrupted : summary.failed > 0 ? EXIT.failed : EXIT.ok;
    });
}
