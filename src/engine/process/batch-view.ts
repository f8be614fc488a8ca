/**
 * @module The one view decisions read and change: the loaded snapshot under the batch's own changes.
 * Changes are made in layers: each event decides in a layer of its own, kept when its decision
 * completes and dropped when it fails or needs state not loaded yet, so a failed event leaves no
 * trace on the events decided after it. What the layers hold at the end is what the batch writes.
 */
import type { Conversion } from '../../db/tables/conversion.table.js';
import type { NewConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { OrderFact } from '../../db/tables/order-fact.table.js';
import type { NewOutboundEvent } from '../../db/tables/outbound-event.table.js';
import type { OutboundEventType } from '../../db/tables/webhook-endpoint.table.js';
import { utcMonthOf } from '../ledger/calendar.js';
import {
  clickKey, emptyKeys, key, monthlyCountKey, monthlySumKey, orderKey, StateNeeded, visitorKey,
  type AffiliateStanding, type ClickContext, type ClickWanted, type LedgerLine, type SaleCampaign, type Snapshot, type StateKeys, type VisitorWindow,
} from './world.js';
import type { Click } from '../../db/tables/click.table.js';

/** What one layer changed. */
class Layer {
  /** The conversion of each order changed here, as it now stands. */
  readonly conversions = new Map<string, Conversion>();
  /** Conversions created here (not yet in the database), by id. */
  readonly created = new Set<string>();
  readonly facts = new Map<string, Map<string, OrderFact>>();
  readonly references = new Map<string, string>();
  readonly bindings: { merchantId: string; orderId: string; reference: string }[] = [];
  readonly lines: NewConversionAdjustment[] = [];
  readonly outbound: NewOutboundEvent[] = [];
  readonly countDeltas = new Map<string, number>();
  readonly sumDeltas = new Map<string, number>();

  absorb(child: Layer): void {
    for (const [entryKey, conversion] of child.conversions) this.conversions.set(entryKey, conversion);
    for (const id of child.created) this.created.add(id);
    for (const [entryKey, facts] of child.facts) this.facts.set(entryKey, new Map([...(this.facts.get(entryKey) ?? []), ...facts]));
    for (const [entryKey, orderId] of child.references) if (!this.references.has(entryKey)) this.references.set(entryKey, orderId);
    this.bindings.push(...child.bindings);
    this.lines.push(...child.lines);
    this.outbound.push(...child.outbound);
    for (const [entryKey, delta] of child.countDeltas) this.countDeltas.set(entryKey, (this.countDeltas.get(entryKey) ?? 0) + delta);
    for (const [entryKey, delta] of child.sumDeltas) this.sumDeltas.set(entryKey, (this.sumDeltas.get(entryKey) ?? 0) + delta);
  }
}

/** What the batch's decisions add up to, for the writes. */
export interface BatchChanges {
  /** Conversions created by the batch, as they stand at its end. */
  created: Conversion[];
  /** Conversions that existed before the batch and changed, as they stand at its end. */
  updated: Conversion[];
  lines: NewConversionAdjustment[];
  facts: OrderFact[];
  bindings: { merchantId: string; orderId: string; reference: string }[];
  outbound: NewOutboundEvent[];
}

function need(fill: (keys: StateKeys) => void): never {
  const keys = emptyKeys();
  fill(keys);
  throw new StateNeeded(keys);
}

export class BatchView {
  readonly #snapshot: Snapshot;
  readonly #layers: Layer[] = [new Layer()];

  constructor(snapshot: Snapshot) {
    this.#snapshot = snapshot;
  }

  /** Starts the layer of one event's decision. */
  begin(): void {
    this.#layers.push(new Layer());
  }

  /** Keeps what the event decided. */
  commit(): void {
    const child = this.#layers.pop();
    if (!child || this.#layers.length === 0) throw new Error('commit without begin');
    this.#top().absorb(child);
  }

  /** Drops what the event decided. */
  rollback(): void {
    if (this.#layers.length <= 1) throw new Error('rollback without begin');
    this.#layers.pop();
  }

  #top(): Layer {
    const top = this.#layers.at(-1);
    if (!top) throw new Error('the view has no layer');
    return top;
  }

  /** The newest value a layer holds for `read`, else undefined. */
  #fromLayers<T>(read: (layer: Layer) => T | undefined): T | undefined {
    for (let index = this.#layers.length - 1; index >= 0; index -= 1) {
      const layer = this.#layers[index];
      const value = layer ? read(layer) : undefined;
      if (value !== undefined) return value;
    }
    return undefined;
  }

  // Reads. Each throws StateNeeded when the snapshot was not asked for the key.

  conversion(merchantId: string, orderId: string): Conversion | null {
    const entryKey = orderKey(merchantId, orderId);
    const changed = this.#fromLayers((layer) => layer.conversions.get(entryKey));
    if (changed) return changed;
    const loaded = this.#snapshot.conversions.get(entryKey);
    return loaded !== undefined ? loaded : need((keys) => keys.orders.set(entryKey, { merchantId, orderId }));
  }

  facts(merchantId: string, orderId: string): OrderFact[] {
    const entryKey = orderKey(merchantId, orderId);
    const loaded = this.#snapshot.facts.get(entryKey) ?? need((keys) => keys.orders.set(entryKey, { merchantId, orderId }));
    const merged = new Map(loaded.map((fact) => [fact.fact_key, fact]));
    for (const layer of this.#layers) for (const [factKey, fact] of layer.facts.get(entryKey) ?? []) merged.set(factKey, fact);
    return [...merged.values()];
  }

  reference(merchantId: string, reference: string): string | null {
    const entryKey = key(merchantId, reference);
    const loaded = this.#snapshot.references.get(entryKey);
    // The first binding of a reference wins: a stored one before any the batch made.
    if (loaded) return loaded;
    const bound = this.#fromLayers((layer) => layer.references.get(entryKey));
    if (bound) return bound;
    return loaded === null ? null : need((keys) => keys.references.set(entryKey, { merchantId, reference }));
  }

  click(wanted: ClickWanted): ClickContext | null {
    const loaded = this.#snapshot.clicks.get(clickKey(wanted));
    return loaded !== undefined ? loaded : need((keys) => keys.clicks.set(clickKey(wanted), wanted));
  }

  latestVisitorClick(window: VisitorWindow): Click | null {
    const loaded = this.#snapshot.visitorClicks.get(visitorKey(window));
    return loaded !== undefined ? loaded : need((keys) => keys.visitorClicks.set(visitorKey(window), window));
  }

  campaign(merchantId: string, campaignId: string): SaleCampaign | null {
    const loaded = this.#snapshot.campaigns.get(key(merchantId, campaignId));
    return loaded !== undefined ? loaded : need((keys) => keys.campaigns.set(key(merchantId, campaignId), { merchantId, campaignId }));
  }

  affiliate(merchantId: string, affiliateId: string, campaignId: string): AffiliateStanding | null {
    const entryKey = key(merchantId, affiliateId, campaignId);
    const loaded = this.#snapshot.affiliates.get(entryKey);
    return loaded !== undefined ? loaded : need((keys) => keys.affiliates.set(entryKey, { merchantId, affiliateId, campaignId }));
  }

  /** The subscription's earliest conversion, the batch's own included. */
  firstSubscriptionConversion(merchantId: string, subscriptionKey: string): Conversion | null {
    const entryKey = key(merchantId, subscriptionKey);
    const loaded = this.#snapshot.firstSubscriptionConversions.get(entryKey);
    if (loaded === undefined) return need((keys) => keys.firstSubscriptionConversions.set(entryKey, { merchantId, subscriptionKey }));
    let first = loaded;
    for (const layer of this.#layers) {
      for (const conversion of layer.conversions.values()) {
        if (conversion.merchant_id !== merchantId || conversion.subscription_id !== subscriptionKey || !layer.created.has(conversion.id)) continue;
        if (!first || conversion.created_at < first.created_at || (conversion.created_at.getTime() === first.created_at.getTime() && conversion.id < first.id)) {
          first = conversion;
        }
      }
    }
    return first;
  }

  /** Non-rejected conversions of the affiliate in the campaign for sales in the month of `saleTime`. */
  monthlyCount(merchantId: string, campaignId: string, affiliateId: string, saleTime: Date): number {
    const month = utcMonthOf(saleTime).from;
    const entryKey = monthlyCountKey(merchantId, campaignId, affiliateId, month);
    const loaded = this.#snapshot.monthlyCounts.get(entryKey) ?? need((keys) => keys.monthlyCounts.set(entryKey, { merchantId, campaignId, affiliateId, month }));
    return loaded + this.#layers.reduce((sum, layer) => sum + (layer.countDeltas.get(entryKey) ?? 0), 0);
  }

  /** Current commission of the merchant's non-rejected conversions in `currency` for sales in the month of `saleTime`. */
  monthlySum(merchantId: string, currency: string, saleTime: Date): number {
    const month = utcMonthOf(saleTime).from;
    const entryKey = monthlySumKey(merchantId, currency, month);
    const loaded = this.#snapshot.monthlySums.get(entryKey) ?? need((keys) => keys.monthlySums.set(entryKey, { merchantId, currency, month }));
    return loaded + this.#layers.reduce((sum, layer) => sum + (layer.sumDeltas.get(entryKey) ?? 0), 0);
  }

  /** The conversion's ledger as it stands: stored lines, then the batch's. */
  ledger(conversion: Pick<Conversion, 'merchant_id' | 'id'>): LedgerLine[] {
    const created = this.#layers.some((layer) => layer.created.has(conversion.id));
    const stored = created ? [] : this.#snapshot.ledgers.get(conversion.id)
      ?? need((keys) => keys.ledgers.set(conversion.id, { merchantId: conversion.merchant_id, conversionId: conversion.id }));
    return [...stored, ...this.#layers.flatMap((layer) => layer.lines.filter((line) => line.conversion_id === conversion.id))].map(toLedgerLine);
  }

  /** Whether some enabled endpoint of the merchant takes this type of outbound event. */
  subscribed(merchantId: string, type: OutboundEventType): boolean {
    const loaded = this.#snapshot.subscriptions.get(merchantId) ?? need((keys) => keys.subscriptions.set(merchantId, { merchantId }));
    return loaded.has(type);
  }

  // Changes, into the current layer.

  createConversion(conversion: Conversion, lines: readonly NewConversionAdjustment[]): void {
    const layer = this.#top();
    layer.conversions.set(orderKey(conversion.merchant_id, conversion.order_id), conversion);
    layer.created.add(conversion.id);
    layer.lines.push(...lines);
    if (conversion.status !== 'rejected') {
      const month = utcMonthOf(conversion.created_at).from;
      const countKey = monthlyCountKey(conversion.merchant_id, conversion.campaign_id, conversion.affiliate_id, month);
      layer.countDeltas.set(countKey, (layer.countDeltas.get(countKey) ?? 0) + 1);
    }
    this.#adjustSum(layer, null, conversion);
  }

  updateConversion(before: Conversion, after: Conversion, lines: readonly NewConversionAdjustment[]): void {
    const layer = this.#top();
    layer.conversions.set(orderKey(after.merchant_id, after.order_id), after);
    layer.lines.push(...lines);
    this.#adjustSum(layer, before, after);
  }

  #adjustSum(layer: Layer, before: Conversion | null, after: Conversion): void {
    const entryKey = monthlySumKey(after.merchant_id, after.currency, utcMonthOf(after.created_at).from);
    const counted = (conversion: Conversion | null) => (conversion && conversion.status !== 'rejected' ? conversion.commission : 0);
    const delta = counted(after) - counted(before);
    if (delta !== 0) layer.sumDeltas.set(entryKey, (layer.sumDeltas.get(entryKey) ?? 0) + delta);
  }

  putFact(fact: OrderFact): void {
    const layer = this.#top();
    const entryKey = orderKey(fact.merchant_id, fact.order_id);
    const facts = layer.facts.get(entryKey) ?? new Map<string, OrderFact>();
    facts.set(fact.fact_key, fact);
    layer.facts.set(entryKey, facts);
  }

  bind(merchantId: string, orderId: string, references: readonly string[]): void {
    const layer = this.#top();
    for (const reference of references) {
      const entryKey = key(merchantId, reference);
      if (!layer.references.has(entryKey)) layer.references.set(entryKey, orderId);
      layer.bindings.push({ merchantId, orderId, reference });
    }
  }

  emit(event: NewOutboundEvent): void {
    this.#top().outbound.push(event);
  }

  /** Everything the batch decided, once every event's layer is committed. */
  changes(): BatchChanges {
    if (this.#layers.length !== 1) throw new Error('an event layer was left open');
    const layer = this.#top();
    const all = [...layer.conversions.values()];
    return {
      created: all.filter((conversion) => layer.created.has(conversion.id)),
      updated: all.filter((conversion) => !layer.created.has(conversion.id)),
      lines: layer.lines,
      facts: [...layer.facts.values()].flatMap((facts) => [...facts.values()]),
      bindings: layer.bindings,
      outbound: layer.outbound,
    };
  }
}

function toLedgerLine(line: NewConversionAdjustment | LedgerLine): LedgerLine {
  return {
    type: line.type, commission_delta: line.commission_delta, amount: line.amount, reference: line.reference, reason: line.reason ?? null,
    created_at: line.created_at ?? new Date(0),
  };
}
