/**
 * @module Outbound conversion events (SPEC §11): one per state change, written to the outbox in the
 * transaction that made the change, so an event exists exactly when its change was committed — and
 * only when some enabled endpoint of the merchant is subscribed to its type (outbound.repository.ts):
 * webhooks go forward, so an event no endpoint takes would never be sent.
 */
import type { Executor } from '../../db/database.js';
import { listAdjustments } from '../../db/repositories/adjustment.repository.js';
import { enqueueOutboundEvent } from '../../db/repositories/outbound.repository.js';
import type { ConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion } from '../../db/tables/conversion.table.js';
import type { NewOutboundEvent } from '../../db/tables/outbound-event.table.js';
import type { OutboundEventType } from '../../db/tables/webhook-endpoint.table.js';
import { newId } from '../../lib/ids.js';
import { presentConversion, type PresentedLine } from './conversion-view.js';

export const OUTBOUND_EVENT_TYPES: readonly OutboundEventType[] = ['conversion.created', 'conversion.updated', 'conversion.reversed'];

/** What a change from `before` to `after` announces: reversed, updated (status or commission), or nothing. */
export function changeEventType(before: Pick<Conversion, 'status' | 'commission'>, after: Pick<Conversion, 'status' | 'commission'>): OutboundEventType | null {
  if (after.status === 'reversed' && before.status !== 'reversed') return 'conversion.reversed';
  if (after.status !== before.status || after.commission !== before.commission) return 'conversion.updated';
  return null;
}

/**
 * Enqueues the event with the conversion as it is now, ledger included (read unless the caller
 * already holds it). Call inside the change's transaction.
 */
export async function emitConversionEvent(trx: Executor, type: OutboundEventType, conversion: Conversion, now: Date, ledger?: readonly ConversionAdjustment[]): Promise<void> {
  const lines = ledger ?? (await listAdjustments(trx, conversion.merchant_id, [conversion.id])).get(conversion.id) ?? [];
  await enqueueOutboundEvent(trx, conversionEventRow(type, conversion, now, lines));
}

/** The outbox row announcing a conversion as it is now, with its ledger. */
export function conversionEventRow(type: OutboundEventType, conversion: Conversion, now: Date, ledger: readonly PresentedLine[]): NewOutboundEvent {
  const body = JSON.stringify({ type, timestamp: now.toISOString(), data: presentConversion(conversion, ledger) });
  return { merchant_id: conversion.merchant_id, id: newId('msg'), type, conversion_id: conversion.id, body, created_at: now };
}

/** Emits the event a change calls for, if any. */
export async function emitChange(trx: Executor, before: Conversion, after: Conversion, now: Date): Promise<void> {
  const type = changeEventType(before, after);
  if (type) await emitConversionEvent(trx, type, after, now);
}
