/**
 * @module Outbound events from decisions (SPEC §11): the conversion as it stands, with its ledger,
 * when some endpoint of the merchant takes that type of event — and nothing read or built otherwise.
 */
import type { Conversion } from '../../../db/tables/conversion.table.js';
import type { OutboundEventType } from '../../../db/tables/webhook-endpoint.table.js';
import { changeEventType, conversionEventRow } from '../../outbound/conversion-events.js';
import type { BatchView } from '../batch-view.js';

export function announce(view: BatchView, type: OutboundEventType, conversion: Conversion, now: Date): void {
  if (!view.subscribed(conversion.merchant_id, type)) return;
  view.emit(conversionEventRow(type, conversion, now, view.ledger(conversion)));
}

/** Announces what a change from `before` to `after` calls for, if anything. */
export function announceChange(view: BatchView, before: Conversion, after: Conversion, now: Date): void {
  const type = changeEventType(before, after);
  if (type) announce(view, type, after, now);
}
