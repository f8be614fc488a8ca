/**
 * An in-memory world for unit tests of the engine's pure decisions: plain arrays of the rows the
 * database would hold, a function that answers the view's `StateNeeded` keys from them with the same
 * semantics as load-state.ts / batch-state.repository.ts, and the loop of process-batch.ts `decideAll`
 * (empty snapshot → decide in a layer → answer what was needed → decide again). Test support, not a
 * second engine: it only reads rows and writes back what the view says changed.
 */
import type { CanonicalRecord } from '../../../src/contract/canonical-records.js';
import type { EarningsCap } from '../../../src/db/repositories/campaign.repository.js';
import type { Affiliate } from '../../../src/db/tables/affiliate.table.js';
import type { Campaign } from '../../../src/db/tables/campaign.table.js';
import type { Click } from '../../../src/db/tables/click.table.js';
import type { NewConversionAdjustment } from '../../../src/db/tables/conversion-adjustment.table.js';
import type { Conversion } from '../../../src/db/tables/conversion.table.js';
import type { EnrollmentStatus } from '../../../src/db/tables/enrollment.table.js';
import type { OrderFact } from '../../../src/db/tables/order-fact.table.js';
import type { NewOutboundEvent } from '../../../src/db/tables/outbound-event.table.js';
import type { OutboundEventType } from '../../../src/db/tables/webhook-endpoint.table.js';
import { utcMonthOf } from '../../../src/engine/ledger/calendar.js';
import { BatchView, type BatchChanges } from '../../../src/engine/process/batch-view.js';
import { decideEvent } from '../../../src/engine/process/decide/decide-event.js';
import type { DecisionContext, RecordOutcome } from '../../../src/engine/process/decide/decision.js';
import {
  emptySnapshot, StateNeeded, type AffiliateStanding, type ClickContext, type LedgerLine, type Snapshot, type StateKeys,
  type VisitorWindow,
} from '../../../src/engine/process/world.js';

export interface Enrollment {
  merchantId: string;
  affiliateId: string;
  campaignId: string;
  status: EnrollmentStatus;
}

export interface OrderReference {
  merchantId: string;
  reference: string;
  orderId: string;
}

/** Everything the database would hold that decisions read, as plain rows. */
export interface World {
  /** Per merchant: its monthly earnings cap (a merchant without an entry has none). */
  caps: Map<string, EarningsCap>;
  /** Per merchant: the outbound event types some enabled endpoint takes (none when absent). */
  subscriptions: Map<string, OutboundEventType[]>;
  campaigns: Campaign[];
  affiliates: Affiliate[];
  enrollments: Enrollment[];
  clicks: Click[];
  conversions: Conversion[];
  ledger: NewConversionAdjustment[];
  facts: OrderFact[];
  references: OrderReference[];
  /** What decisions put in the outbox, in order. */
  outbound: NewOutboundEvent[];
}

export function emptyWorld(): World {
  return {
    caps: new Map(), subscriptions: new Map(), campaigns: [], affiliates: [], enrollments: [], clicks: [],
    conversions: [], ledger: [], facts: [], references: [], outbound: [],
  };
}

const NO_CAP_CURRENCY = 'USD';

function capOf(world: World, merchantId: string): EarningsCap {
  return world.caps.get(merchantId) ?? { amount: null, currency: NO_CAP_CURRENCY };
}

function findCampaign(world: World, merchantId: string, campaignId: string): Campaign | undefined {
  return world.campaigns.find((campaign) => campaign.merchant_id === merchantId && campaign.id === campaignId);
}

/** The affiliate with its standing in one campaign (null when not enrolled there), as findAffiliateStandings. */
function standingOf(world: World, merchantId: string, affiliateId: string, campaignId: string): AffiliateStanding | null {
  const affiliate = world.affiliates.find((row) => row.merchant_id === merchantId && row.id === affiliateId);
  if (!affiliate) return null;
  const enrollment = world.enrollments.find((row) =>
    row.merchantId === merchantId && row.affiliateId === affiliateId && row.campaignId === campaignId);
  return { ...affiliate, enrollment_status: enrollment?.status ?? null };
}

/**
 * The click with the campaign a sale through it belongs to (the named program, else the click's),
 * the merchant's cap and the affiliate's standing in that campaign, as findClickContexts: absent when
 * the click or the program does not exist.
 */
function clickContextOf(world: World, merchantId: string, clickId: string, programId: string | null): ClickContext | null {
  const click = world.clicks.find((row) => row.merchant_id === merchantId && row.id === clickId);
  if (!click) return null;
  const campaign = findCampaign(world, merchantId, programId ?? click.campaign_id);
  const affiliate = campaign ? standingOf(world, merchantId, click.affiliate_id, campaign.id) : null;
  if (!campaign || !affiliate) return null;
  const { id, campaign_id, affiliate_id, visitor_id, created_at } = click;
  const cap = capOf(world, merchantId);
  return { click: { id, campaign_id, affiliate_id, visitor_id, created_at }, campaign, cap, affiliate };
}

/** The visitor's latest click in the campaign within [from, until] (ties: greater id), as findLatestVisitorClicks. */
function latestVisitorClick(world: World, window: VisitorWindow): Click | null {
  const inWindow = world.clicks.filter((click) => click.merchant_id === window.merchantId
    && click.visitor_id === window.visitorId && click.campaign_id === window.campaignId
    && click.created_at >= window.from && click.created_at <= window.until);
  const newestFirst = (first: Click, second: Click) =>
    second.created_at.getTime() - first.created_at.getTime() || second.id.localeCompare(first.id);
  return inWindow.sort(newestFirst)[0] ?? null;
}

/** The subscription's earliest conversion by sale time, then id, as findFirstSubscriptionConversions. */
function firstSubscriptionConversion(world: World, merchantId: string, subscriptionKey: string): Conversion | null {
  const ofSubscription = world.conversions.filter((row) =>
    row.merchant_id === merchantId && row.subscription_id === subscriptionKey);
  const oldestFirst = (first: Conversion, second: Conversion) =>
    first.created_at.getTime() - second.created_at.getTime() || first.id.localeCompare(second.id);
  return ofSubscription.sort(oldestFirst)[0] ?? null;
}

/** Conversions that count for caps and tiers: not rejected, for sales in the UTC month starting at `month`. */
function countedInMonth(world: World, merchantId: string, month: Date): Conversion[] {
  const { until } = utcMonthOf(month);
  return world.conversions.filter((row) =>
    row.merchant_id === merchantId && row.status !== 'rejected' && row.created_at >= month && row.created_at < until);
}

function ledgerLinesOf(world: World, merchantId: string, conversionId: string): LedgerLine[] {
  return ledgerOf(world, { merchant_id: merchantId, id: conversionId }).map((line) => ({
    type: line.type, commission_delta: line.commission_delta, amount: line.amount, reference: line.reference,
    reason: line.reason ?? null, created_at: line.created_at ?? new Date(0),
  }));
}

/** Rows are copied into the snapshot: nothing a decision holds reaches back into the world but `applyChanges`. */
const copy = <T>(value: T): T => structuredClone(value);

/**
 * Answers every key the decision asked for, with null (or zero, or nothing) when the world holds
 * nothing: a key answered is never asked for again, so the loop always ends.
 */
export function answerKeys(world: World, keys: StateKeys, snapshot: Snapshot): void {
  for (const [entryKey, { merchantId, reference }] of keys.references) {
    const found = world.references.find((row) => row.merchantId === merchantId && row.reference === reference);
    snapshot.references.set(entryKey, found?.orderId ?? null);
  }
  for (const [entryKey, { merchantId, orderId }] of keys.orders) {
    const conversion = world.conversions.find((row) => row.merchant_id === merchantId && row.order_id === orderId);
    snapshot.conversions.set(entryKey, conversion ? copy(conversion) : null);
    const facts = world.facts.filter((fact) => fact.merchant_id === merchantId && fact.order_id === orderId);
    snapshot.facts.set(entryKey, copy(facts));
  }
  for (const [entryKey, { merchantId, clickId, programId }] of keys.clicks) {
    snapshot.clicks.set(entryKey, copy(clickContextOf(world, merchantId, clickId, programId)));
  }
  for (const [entryKey, window] of keys.visitorClicks) {
    snapshot.visitorClicks.set(entryKey, copy(latestVisitorClick(world, window)));
  }
  for (const [entryKey, { merchantId, campaignId }] of keys.campaigns) {
    const campaign = findCampaign(world, merchantId, campaignId);
    snapshot.campaigns.set(entryKey, campaign ? copy({ campaign, cap: capOf(world, merchantId) }) : null);
  }
  for (const [entryKey, { merchantId, affiliateId, campaignId }] of keys.affiliates) {
    snapshot.affiliates.set(entryKey, copy(standingOf(world, merchantId, affiliateId, campaignId)));
  }
  for (const [entryKey, { merchantId, subscriptionKey }] of keys.firstSubscriptionConversions) {
    const first = firstSubscriptionConversion(world, merchantId, subscriptionKey);
    snapshot.firstSubscriptionConversions.set(entryKey, copy(first));
  }
  for (const [entryKey, { merchantId, campaignId, affiliateId, month }] of keys.monthlyCounts) {
    const ofAffiliate = countedInMonth(world, merchantId, month)
      .filter((row) => row.campaign_id === campaignId && row.affiliate_id === affiliateId);
    snapshot.monthlyCounts.set(entryKey, ofAffiliate.length);
  }
  for (const [entryKey, { merchantId, currency, month }] of keys.monthlySums) {
    const inCurrency = countedInMonth(world, merchantId, month).filter((row) => row.currency === currency);
    snapshot.monthlySums.set(entryKey, inCurrency.reduce((sum, row) => sum + row.commission, 0));
  }
  for (const [conversionId, { merchantId }] of keys.ledgers) {
    snapshot.ledgers.set(conversionId, ledgerLinesOf(world, merchantId, conversionId));
  }
  for (const [merchantId] of keys.subscriptions) {
    snapshot.subscriptions.set(merchantId, new Set(world.subscriptions.get(merchantId) ?? []));
  }
}

export interface Decided {
  outcome: RecordOutcome;
  changes: BatchChanges;
  /** How many times the event was decided before it needed nothing more. */
  rounds: number;
}

const MAX_ROUNDS = 12;

/**
 * Decides one event the way `decideAll` does: from an empty snapshot, in a layer of its own, answering
 * what it needed and deciding again until it needs nothing. The world is not changed. An error other
 * than `StateNeeded` (the event would fail) is thrown to the test.
 */
export function decide(world: World, context: DecisionContext, records: readonly CanonicalRecord[]): Decided {
  const snapshot = emptySnapshot();
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const view = new BatchView(snapshot);
    view.begin();
    try {
      const outcome = decideEvent(view, context, records);
      view.commit();
      return { outcome, changes: view.changes(), rounds: round };
    } catch (error) {
      view.rollback();
      if (!(error instanceof StateNeeded)) throw error;
      answerKeys(world, error.keys, snapshot);
    }
  }
  throw new Error(`the decision still needed state after ${MAX_ROUNDS} rounds`);
}

/** Writes what an event decided into the world, as write-changes.ts would into the database. */
export function applyChanges(world: World, changes: BatchChanges): void {
  for (const conversion of changes.created) {
    // As insertConversionsIfNew: a second conversion of one order would be a bug, not a state to keep.
    if (conversionOf(world, conversion.order_id, conversion.merchant_id)) {
      throw new Error(`order ${conversion.order_id} already has a conversion`);
    }
    world.conversions.push(conversion);
  }
  for (const conversion of changes.updated) {
    const index = world.conversions.findIndex((row) =>
      row.merchant_id === conversion.merchant_id && row.id === conversion.id);
    if (index < 0) throw new Error(`conversion ${conversion.id} was updated but never stored`);
    world.conversions[index] = conversion;
  }
  world.ledger.push(...changes.lines);
  for (const fact of changes.facts) {
    // The view already merged the fact with the stored one of its key (the upsert's rules): it replaces it.
    const sameKey = (row: OrderFact) =>
      row.merchant_id === fact.merchant_id && row.order_id === fact.order_id && row.fact_key === fact.fact_key;
    world.facts = [...world.facts.filter((row) => !sameKey(row)), fact];
  }
  for (const binding of changes.bindings) {
    // The first binding of a reference wins (insert … on conflict do nothing).
    const bound = world.references.some((row) =>
      row.merchantId === binding.merchantId && row.reference === binding.reference);
    if (!bound) world.references.push({ ...binding });
  }
  world.outbound.push(...changes.outbound);
}

/** Decides one event and writes its changes into the world, so the next event sees them (sequences call it in turn). */
export function decideAndApply(world: World, context: DecisionContext, records: readonly CanonicalRecord[]): Decided {
  const decided = decide(world, context, records);
  applyChanges(world, decided.changes);
  return decided;
}

export function conversionOf(world: World, orderId: string, merchantId?: string): Conversion | undefined {
  return world.conversions.find((row) =>
    row.order_id === orderId && (merchantId === undefined || row.merchant_id === merchantId));
}

/** The conversion's ledger in the order it was written. */
export function ledgerOf(world: World, conversion: Pick<Conversion, 'merchant_id' | 'id'>): NewConversionAdjustment[] {
  return world.ledger.filter((line) => line.merchant_id === conversion.merchant_id && line.conversion_id === conversion.id);
}

// Rows, with the defaults the API gives them (SPEC §4), so a case names only what it is about.

const CREATED = new Date('2020-01-01T00:00:00Z');

export function addCampaign(world: World, merchantId: string, id: string, overrides: Partial<Campaign> = {}): Campaign {
  const campaign: Campaign = {
    merchant_id: merchantId, id, name: id, currency: 'USD', commission: { type: 'percent', rateBasisPoints: 2000 },
    commission_base: 'net', cookie_window_days: 30, clock_skew_minutes: 15, recurring: null, hold_days: 30,
    self_referral: 'reject', created_at: CREATED, updated_at: CREATED, ...overrides,
  };
  world.campaigns.push(campaign);
  return campaign;
}

/** Changes a campaign the world already holds (e.g. its clock-skew allowance, for one case). */
export function changeCampaign(world: World, merchantId: string, id: string, changes: Partial<Campaign>): void {
  const campaign = findCampaign(world, merchantId, id);
  if (!campaign) throw new Error(`no campaign ${id}`);
  Object.assign(campaign, changes);
}

/** An affiliate (its email only as the keyed hash the engine compares) and its standing per campaign. */
export function addAffiliate(
  world: World, merchantId: string, id: string, emailHash: string, standings: Record<string, EnrollmentStatus>,
): void {
  world.affiliates.push({
    merchant_id: merchantId, id, name: id, email_hash: emailHash, created_at: CREATED, updated_at: CREATED,
  });
  for (const [campaignId, status] of Object.entries(standings)) {
    world.enrollments.push({ merchantId, affiliateId: id, campaignId, status });
  }
}

export interface NewTestClick {
  id: string;
  campaignId: string;
  affiliateId: string;
  visitorId: string;
  at: Date;
}

export function addClick(world: World, merchantId: string, click: NewTestClick): void {
  world.clicks.push({
    merchant_id: merchantId, id: click.id, campaign_id: click.campaignId, affiliate_id: click.affiliateId, link_code: null,
    visitor_id: click.visitorId, sub_id: null, sub_id_2: null, sub_id_3: null, ip_hash: null, created_at: click.at,
  });
}
