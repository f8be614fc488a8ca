/** @module `conversion-hub trigger`: its arguments, options and help; the work is in `trigger/run-trigger.ts`. */
import { Option, type Command } from 'commander';
import { isProviderId, PROVIDER_IDS } from '../../contract/providers.js';
import { EXIT, usageError } from '../exit-codes.js';
import { hubOptions, positiveInteger, positiveNumber } from '../shared-options.js';
import { printLine } from '../terminal.js';
import { listCatalog } from '../trigger/fixture-catalog.js';
import { runTrigger, type TriggerResult } from '../trigger/run-trigger.js';
import { newStoryKey } from '../trigger/story-ids.js';
import { describeOutcome } from '../trigger/wait-for-event.js';

interface TriggerFlags {
  list?: boolean;
  connection?: string;
  secret?: string;
  click?: string;
  visitor?: string;
  program?: string;
  fixture: number;
  story?: string;
  wait: boolean;
  timeout: number;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ conversion-hub trigger --list
  $ conversion-hub trigger stripe checkout.session.completed --connection con_… --secret whsec_… --click clk_…
  $ conversion-hub trigger stripe charge.refunded --connection con_… --secret whsec_… --story <the story the sale printed>
  $ conversion-hub trigger paddle transaction.completed --connection con_… --secret pdl_ntfset_… --click clk_…

Every delivery gets ids of its own "story" (printed; --story reuses one): a trigger is a new order,
and a later trigger with the same --story refunds or disputes that order. Without --click or
--visitor the delivery carries no attribution, as from a buyer who came through no link.
GoPay notifications carry only a payment id and the hub reads the payment from GoPay's API, so
trigger plays that API itself: the connection's options.apiBase must be http://127.0.0.1:<port>/api
(a hub with HUB_ALLOW_PRIVATE_NETWORK=1), and --secret is its clientSecret. Any other apiBase is refused.`;

function printList(json: boolean): void {
  const catalog = listCatalog();
  if (json) {
    printLine(JSON.stringify(catalog));
    return;
  }
  const width = Math.max(...catalog.map((entry) => entry.event.length));
  for (const entry of catalog) printLine(`${entry.provider.padEnd(13)}${entry.event.padEnd(width + 2)}fixtures ${entry.variants.join(', ')}`);
}

function printResult(result: TriggerResult, json: boolean): void {
  if (json) {
    printLine(JSON.stringify(result));
    return;
  }
  printLine(`delivered to ${result.url}: ${result.duplicate ? `a re-delivery of ${result.eventId}, already stored` : `stored as ${result.eventId}`} (story ${result.story})`);
  if (result.event) for (const line of describeOutcome(result.event, result.conversions)) printLine(line);
  else if (result.exitCode === EXIT.ok && result.eventId) printLine('not waited for: follow it with `conversion-hub events tail`');
}

export function triggerCommand(program: Command): void {
  program.command('trigger')
    .description('send a realistic, correctly signed processor delivery to a running hub, then print what it became')
    .argument('[provider]', `one of ${PROVIDER_IDS.join(', ')}`)
    .argument('[event]', 'the processor’s event name, as trigger --list shows them')
    .option('--list', 'list every provider and event trigger can send, and exit')
    .option('--connection <id>', 'the connection to deliver to (con_…, from its webhookUrl)')
    .addOption(new Option('--secret <secret>', 'the connection’s signing secret; Gumroad: its URL token; GoPay: its clientSecret').env('HUB_WEBHOOK_SECRET'))
    .option('--click <clickId>', 'attribute the delivery to this click (clk_…)')
    .option('--visitor <visitorId>', 'attribute the delivery to this visitor (vis_…)')
    .option('--program <campaignId>', 'name the campaign (program_id) in the delivery')
    .option('--fixture <n>', 'which fixture of the event to send', positiveInteger, 1)
    .option('--story <key>', 'reuse a story’s ids (printed by an earlier trigger) to follow up the same order')
    .option('--no-wait', 'return once the hub stored the delivery, without waiting for its outcome')
    .option('--timeout <seconds>', 'how long to wait for the outcome', positiveNumber, 15)
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', EXAMPLES)
    .action(async (provider: string | undefined, event: string | undefined, flags: TriggerFlags, command: Command) => {
      if (flags.list) {
        printList(flags.json === true);
        return;
      }
      if (!provider || !event) throw usageError('trigger needs a provider and an event (see trigger --list)');
      if (!isProviderId(provider)) throw usageError(`unknown provider "${provider}": one of ${PROVIDER_IDS.join(', ')}`);
      if (!flags.connection) throw usageError('trigger needs --connection <id>: the connection to deliver to');
      const result = await runTrigger({
        provider, event, variant: flags.fixture, ...hubOptions(command), connectionId: flags.connection, secret: flags.secret ?? null,
        attribution: { clickId: flags.click, visitorId: flags.visitor, programId: flags.program },
        story: flags.story ?? newStoryKey(), wait: flags.wait, timeoutMs: flags.timeout * 1000,
      });
      printResult(result, flags.json === true);
      process.exitCode = result.exitCode;
    });
}
