/**
 * @module The `conversion-hub` command line (commander): `trigger`, `events tail`, `replay` and
 * `import`, each with `--help`. `runCli` returns the exit code (exit-codes.ts) instead of exiting,
 * so every path — help, a usage error, a hub that cannot be reached — ends in one documented code.
 */
import { Command, CommanderError, Option } from 'commander';
import { eventsCommand } from './commands/events.command.js';
import { importCommand } from './commands/import.command.js';
import { replayCommand } from './commands/replay.command.js';
import { triggerCommand } from './commands/trigger.command.js';
import { CliError, EXIT } from './exit-codes.js';
import { noteLine } from './terminal.js';
import { packageVersion } from './trigger/fixture-catalog.js';

export function createProgram(): Command {
  const program = new Command('conversion-hub')
    .description('Work with a running conversion-hub: send test deliveries, follow the event log, replay events, backfill conversions.')
    .version(packageVersion())
    .addOption(new Option('--hub <url>', 'the hub’s base URL').env('HUB_URL').default('http://localhost:3000'))
    .addOption(new Option('--key <key>', 'a merchant API key (hub_sk_… writes, hub_rk_… only reads)').env('HUB_API_KEY'))
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    // Commander exits by itself unless told not to: it throws instead, and runCli picks the exit code.
    .exitOverride();
  triggerCommand(program);
  eventsCommand(program);
  replayCommand(program);
  importCommand(program);
  program.addHelpText('after', '\nExit codes: 0 done; 1 something asked for failed; 2 usage error; 3 hub unreachable or key refused; 4 timed out; 130 interrupted.');
  return program;
}

/** Runs the command line and returns its exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await createProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version are thrown too, as successes; commander has already printed its message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      noteLine(`error: ${error.message}`);
      return error.exitCode;
    }
    noteLine(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}
