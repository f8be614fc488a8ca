/**
 * @module After `trigger` delivers: wait until the hub has processed the event (its status is no
 * longer `received`), then describe what became of it, with its conversions.
 */
import { formatMinorAsDecimal, parseMajorAmount } from '../../lib/money.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { HubClient } from '../hub-client.js';

export interface EventView {
  id: string;
  provider: string;
  type: string;
  status: string;
  reason: string | null;
  error: string | null;
  waitingFor: string | null;
  conversionIds: string[];
  trace: string[];
}

export interface ConversionSummary {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  commission: number;
  status: string;
  affiliateId: string;
}

/** The event once processed, or null if it was folded into an earlier one (a GoPay re-notification). */
export async function waitForEvent(client: HubClient, eventId: string, timeoutMs: number): Promise<EventView | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const answer = await client.request('GET', `/api/v1/events/${encodeURIComponent(eventId)}`);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw new CliError(answer.status === 401 || answer.status === 403 || answer.status >= 500 ? EXIT.hub : EXIT.failed, `GET /api/v1/events/${eventId} answered ${answer.status}`);
    const event = (answer.body as { data: EventView }).data;
    if (event.status !== 'received') return event;
    if (Date.now() + delay > deadline) throw new CliError(EXIT.timeout, `event ${eventId} was stored but not processed within ${Math.round(timeoutMs / 1000)} s (is a hub process processing? HUB_PROCESSING_CONCURRENCY=0 only stores)`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export async function conversionsOf(client: HubClient, event: EventView): Promise<ConversionSummary[]> {
  return Promise.all(event.conversionIds.map((id) => client.data<ConversionSummary>('GET', `/api/v1/conversions/${encodeURIComponent(id)}`)));
}

/** An API amount with its currency's decimals (49.5 USD → "49.50 USD"), without float arithmetic. */
export function formatMoney(amount: number, currency: string): string {
  const parsed = parseMajorAmount(amount, currency);
  return `${parsed.ok ? formatMinorAsDecimal(parsed.minor, currency) : String(amount)} ${currency}`;
}

/** The lines that tell a person what happened: status and why, the conversions, then the trace. */
export function describeOutcome(event: EventView, conversions: readonly ConversionSummary[]): string[] {
  const why = [event.reason, event.waitingFor ? `waiting for ${event.waitingFor}` : null, event.error].filter(Boolean).join('; ');
  return [
    `outcome: ${event.status}${why ? ` (${why})` : ''}`,
    ...conversions.map((conversion) => `conversion ${conversion.id}: order ${conversion.orderId}, ${formatMoney(conversion.amount, conversion.currency)}, `
      + `commission ${formatMoney(conversion.commission, conversion.currency)} to ${conversion.affiliateId}, ${conversion.status}`),
    ...(event.trace.length > 0 ? ['trace:', ...event.trace.map((step) => `  ${step}`)] : []),
  ];
}
