/**
 * @module `events tail`: follows the inbound event log by polling `GET /api/v1/events` (newest
 * first). A new event is shown when it first appears, and again each time its status changes
 * (`received` → `processed`); up to 10 pages are read per poll, so a burst between two polls is
 * not skipped. The first poll must reach the hub; later failures are noted and retried, so the
 * tail survives a hub restart.
 */
import { CliError, EXIT } from '../exit-codes.js';
import { errorMessageOf, type HubClient } from '../hub-client.js';
import type { ListedEvent } from './event-lines.js';

export interface TailOptions {
  provider?: string | undefined;
  status?: string | undefined;
  connectionId?: string | undefined;
  intervalMs: number;
  /** How many of the latest events to show before following (0: only what arrives from now on). */
  last: number;
}

const PER_PAGE = 100;
const MAX_PAGES = 10;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', wake);
      resolve();
    }, ms);
    signal.addEventListener('abort', wake, { once: true });
  });
}

async function readPage(client: HubClient, options: TailOptions, page: number): Promise<ListedEvent[]> {
  const query = new URLSearchParams({ page: String(page), perPage: String(PER_PAGE) });
  if (options.provider) query.set('provider', options.provider);
  if (options.status) query.set('status', options.status);
  if (options.connectionId) query.set('connectionId', options.connectionId);
  const answer = await client.request('GET', `/api/v1/events?${query.toString()}`);
  if (answer.status !== 200) {
    throw new CliError(answer.status === 400 ? EXIT.usage : EXIT.hub, `GET /api/v1/events answered ${answer.status}: ${errorMessageOf(answer)}`);
  }
  return (answer.body as { data: ListedEvent[] }).data;
}

/** Newest first, stopping at the first page whose events were all seen before. */
async function readRecent(client: HubClient, options: TailOptions, seen: ReadonlyMap<string, string>): Promise<ListedEvent[]> {
  const events: ListedEvent[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const rows = await readPage(client, options, page);
    events.push(...rows);
    if (rows.length < PER_PAGE || rows.every((row) => seen.has(row.id))) break;
  }
  return events;
}

/** Calls `show` for every new or changed event until `signal` aborts. */
export async function tailEvents(client: HubClient, options: TailOptions, show: (event: ListedEvent, change: 'new' | 'update') => void, signal: AbortSignal, onRetry: (message: string) => void): Promise<void> {
  const seen = new Map<string, string>();
  const first = await readRecent(client, options, seen);
  // Oldest first on screen, like a log.
  const shown = new Set(first.slice(0, options.last).map((event) => event.id));
  for (const event of first.reverse()) {
    seen.set(event.id, event.status);
    if (shown.has(event.id)) show(event, 'new');
  }
  while (!signal.aborted) {
    await sleep(options.intervalMs, signal);
    if (signal.aborted) break;
    let events: ListedEvent[];
    try {
      events = await readRecent(client, options, seen);
    } catch (error) {
      onRetry(error instanceof Error ? error.message : String(error));
      continue;
    }
    for (const event of events.reverse()) {
      const before = seen.get(event.id);
      if (before === event.status) continue;
      seen.set(event.id, event.status);
      show(event, before === undefined ? 'new' : 'update');
    }
  }
}
