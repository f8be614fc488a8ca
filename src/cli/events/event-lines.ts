/** @module How `events tail` shows an inbound event: one line a person can scan, or one JSON object. */
import type { EventView } from '../trigger/wait-for-event.js';

export interface ListedEvent extends EventView {
  receivedAt: string;
}

/** `12:00:01  stripe        checkout.session.completed   processed  conv_…  ev_…`, then the trace indented. */
export function eventLines(event: ListedEvent, change: 'new' | 'update'): string[] {
  const time = event.receivedAt.slice(11, 19);
  const status = `${event.status}${event.reason ? ` (${event.reason})` : ''}`;
  const conversions = event.conversionIds.length > 0 ? event.conversionIds.join(',') : '-';
  const head = [change === 'new' ? time : '  ↳     ', event.provider.padEnd(12), event.type.padEnd(40), status.padEnd(34), conversions.padEnd(27), event.id].join(' ');
  const detail = [
    ...(event.error ? [`error: ${event.error}`] : []),
    // The trace once it is complete: a `received` event's is still being written.
    ...(event.status === 'received' ? [] : event.trace.map((step) => `· ${step}`)),
  ];
  return [head, ...detail.map((line) => `          ${line}`)];
}
