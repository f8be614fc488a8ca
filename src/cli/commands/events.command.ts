/** @module `conversion-hub events tail`: follow the inbound event log live. */
import { Option, type Command } from 'commander';
import { PROVIDER_IDS } from '../../contract/providers.js';
import { usageError } from '../exit-codes.js';
import { eventLines } from '../events/event-lines.js';
import { tailEvents } from '../events/tail-events.js';
import { HubClient } from '../hub-client.js';
import { hubOptions, positiveNumber, wholeNumber } from '../shared-options.js';
import { noteLine, printLine } from '../terminal.js';

interface TailFlags {
  provider?: string;
  status?: string;
  connection?: string;
  interval: number;
  last: number;
  json?: boolean;
}

const EVENT_STATUSES = ['received', 'processed', 'ignored', 'waiting', 'failed', 'dead'];

export function eventsCommand(program: Command): void {
  const events = program.command('events').description('the inbound event log: every processor delivery and what became of it');
  events.command('tail')
    .description('follow the event log live (provider, type, status, conversion, trace) until Ctrl-C; needs a key (a read key is enough)')
    .addOption(new Option('--provider <provider>', 'only this processor’s events').choices(PROVIDER_IDS))
    .addOption(new Option('--status <status>', 'only events with this status').choices(EVENT_STATUSES))
    .option('--connection <id>', 'only this connection’s events')
    .option('--interval <seconds>', 'how often to ask the hub', positiveNumber, 1)
    .option('--last <n>', 'show the latest n events first (0: only new ones)', wholeNumber, 10)
    .option('--json', 'one JSON object per line (the event as the API returns it)')
    .addHelpText('after', '\nA line is printed when an event arrives and again when its status changes (received → processed).\nCtrl-C (SIGINT) or SIGTERM ends it with exit code 0.')
    .action(async (flags: TailFlags, command: Command) => {
      const { hub, key } = hubOptions(command);
      if (!key) throw usageError('events tail needs a merchant key: --key or HUB_API_KEY (a read key is enough)');
      const stop = new AbortController();
      const end = () => stop.abort();
      process.once('SIGINT', end);
      process.once('SIGTERM', end);
      try {
        await tailEvents(new HubClient(hub, key), {
          provider: flags.provider, status: flags.status, connectionId: flags.connection, intervalMs: flags.interval * 1000, last: flags.last,
        }, (event, change) => {
          if (flags.json) printLine(JSON.stringify({ change, ...event }));
          else for (const line of eventLines(event, change)) printLine(line);
        }, stop.signal, (message) => noteLine(`(retrying) ${message}`));
      } finally {
        process.off('SIGINT', end);
        process.off('SIGTERM', end);
      }
    });
}
