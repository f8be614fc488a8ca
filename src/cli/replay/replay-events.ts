/**
 * @module `replay`: the events matching a filter — status, provider, connection, received since —
 * found by paging `GET /api/v1/events` (newest first, so the `--since` cut-off ends the walk), then
 * replayed one at a time with `POST /api/v1/events/:id/replay`, which re-runs processing with the
 * hub's current code and is idempotent. A dry run lists them and replays nothing.
 */
import { CliError, EXIT } from '../exit-codes.js';
import { errorMessageOf, type HubClient } from '../hub-client.js';
import type { ListedEvent } from '../events/event-lines.js';

export interface ReplayFilter {
  status?: string | undefined;
  provider?: string | undefined;
  connectionId?: string | undefined;
  /** Only events received at or after this instant. */
  since?: Date | undefined;
  /** Replay at most this many (the newest). */
  limit?: number | undefined;
}

export interface ReplayOutcome {
  event: ListedEvent;
  /** The event after its replay; null when the hub refused to replay it. */
  after: ListedEvent | null;
  error: string | null;
}

const PER_PAGE = 500;

export async function findEvents(client: HubClient, filter: ReplayFilter): Promise<ListedEvent[]> {
  const found: ListedEvent[] = [];
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({ page: String(page), perPage: String(PER_PAGE) });
    if (filter.status) query.set('status', filter.status);
    if (filter.provider) query.set('provider', filter.provider);
    if (filter.connectionId) query.set('connectionId', filter.connectionId);
    const answer = await client.request('GET', `/api/v1/events?${query.toString()}`);
    if (answer.status !== 200) throw new CliError(answer.status === 400 ? EXIT.usage : EXIT.hub, `GET /api/v1/events answered ${answer.status}: ${errorMessageOf(answer)}`);
    const rows = (answer.body as { data: ListedEvent[] }).data;
    for (const row of rows) {
      if (filter.since && new Date(row.receivedAt) < filter.since) return found;
      found.push(row);
      if (filter.limit !== undefined && found.length >= filter.limit) return found;
    }
    if (rows.length < PER_PAGE) return found;
  }
}

export async function replayEvent(client: HubClient, event: ListedEvent): Promise<ReplayOutcome> {
  const answer = await client.request('POST', `/api/v1/events/${encodeURIComponent(event.id)}/replay`);
  if (answer.status === 200) return { event, after: (answer.body as { data: ListedEvent }).data, error: null };
  if (answer.status === 401 || answer.status === 403 || answer.status >= 500) {
    throw new CliError(EXIT.hub, `POST /api/v1/events/${event.id}/replay answered ${answer.status}: ${errorMessageOf(answer)}${answer.status === 403 ? ' (replay needs a write key)' : ''}`);
  }
  return { event, after: null, error: errorMessageOf(answer) };
}

/** A replay failed when the hub refused it or the event still ends failed (or dead). */
export const replayFailed = (outcome: ReplayOutcome) => outcome.after === null || outcome.after.status === 'failed' || outcome.after.status === 'dead';
