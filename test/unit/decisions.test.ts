/**
 * The engine's pure decision (decideEvent over a BatchView) as a table of cases, SPEC §8 (attribution)
 * and §9 (commission, refunds, chargebacks, caps, tiers, recurring), without a database: state comes
 * from an in-memory world that answers the view's StateNeeded keys the way load-state.ts does, and
 * each event's changes are written back before the next, so sequences (purchase → refund → refund)
 * read like the event log. Every amount is an integer of minor units worked out by hand in the case.
 */
import { describe, expect, it } from 'vitest';
import type {
  AttributionHints, CanonicalRecord, IgnoreReason, OrderLocator, RefundRecord, RefundStatus, SaleAmounts, SaleRecord,
} from '../../src/contract/canonical-records.js';
import type { AdjustmentType } from '../../src/db/tables/conversion-adjustment.table.js';
import type { Conversion, ConversionStatus } from '../../src/db/tables/conversion.table.js';
import type { OutboundEventType } from '../../src/db/tables/webhook-endpoint.table.js';
import { addUtcMonths } from '../../src/engine/ledger/calendar.js';
import type { DecisionContext, RecordOutcome } from '../../src/engine/process/decide/decision.js';
import { hashPersonalData } from '../../src/lib/hashing.js';
import {
  addAffiliate, addCampaign, addClick, changeCampaign, conversionOf, decide, decideAndApply, emptyWorld, ledgerOf,
  type Decided, type World,
} from './support/in-memory-world.js';

const MERCHANT = 'mer_test';
const PII_KEY = Buffer.alloc(32, 7);
const MINUTE = 60_000;
const DAY = 86_400_000;
/** When the typical sale happened; the hub received it an hour later. */
const SALE_AT = new Date('2026-03-15T11:00:00Z');
const NOW = new Date('2026-03-15T12:00:00Z');
/** The first payment of the subscriptions in the recurring cases. */
const FIRST_AT = new Date('2023-03-10T10:00:00Z');
const LAST_MONTH = new Date('2026-02-20T10:00:00Z');

const saleTimePlus = (milliseconds: number) => new Date(SALE_AT.getTime() + milliseconds);
const emailHash = (email: string) => hashPersonalData(PII_KEY, email);

const CONTEXT: DecisionContext = {
  merchantId: MERCHANT, provider: 'stripe', defaultCampaignId: 'camp_main', piiKey: PII_KEY, now: NOW, receivedAt: NOW,
};

// ---------------------------------------------------------------------------------------------------
// The world every case starts from.

const OWN_CAMPAIGNS = [
  'camp_main', 'camp_other', 'camp_monthly', 'camp_lifetime', 'camp_gross', 'camp_flat', 'camp_tiered', 'camp_jpy', 'camp_kwd',
];

/**
 * Campaigns of every kind (camp_main: USD, 20 % of net, 30-day window, 15-minute skew, no recurring),
 * ann and bob approved everywhere, three affiliates who may not earn, and one click per campaign.
 */
function baseWorld(): World {
  const world = emptyWorld();
  addCampaign(world, MERCHANT, 'camp_main');
  addCampaign(world, MERCHANT, 'camp_other', { commission: { type: 'percent', rateBasisPoints: 1000 } });
  addCampaign(world, MERCHANT, 'camp_monthly', { recurring: { months: 12 } });
  addCampaign(world, MERCHANT, 'camp_lifetime', { recurring: 'lifetime' });
  addCampaign(world, MERCHANT, 'camp_gross', { commission_base: 'gross' });
  addCampaign(world, MERCHANT, 'camp_flat', { commission: { type: 'flat', amountMinor: 500 } });
  addCampaign(world, MERCHANT, 'camp_tiered', {
    commission: { type: 'tiered', tiers: [{ from: 1, rateBasisPoints: 1000 }, { from: 3, rateBasisPoints: 2500 }] },
  });
  addCampaign(world, MERCHANT, 'camp_jpy', { currency: 'JPY', commission: { type: 'percent', rateBasisPoints: 1500 } });
  addCampaign(world, MERCHANT, 'camp_kwd', { currency: 'KWD', commission: { type: 'percent', rateBasisPoints: 1500 } });
  // Another merchant's campaign: naming it must not reach across tenants.
  addCampaign(world, 'mer_elsewhere', 'camp_foreign');

  const approvedEverywhere = Object.fromEntries(OWN_CAMPAIGNS.map((campaignId) => [campaignId, 'approved' as const]));
  addAffiliate(world, MERCHANT, 'aff_ann', emailHash('ann@example.com'), approvedEverywhere);
  addAffiliate(world, MERCHANT, 'aff_bob', emailHash('bob@example.com'), approvedEverywhere);
  addAffiliate(world, MERCHANT, 'aff_pending', emailHash('pending@example.com'), { camp_main: 'pending' });
  addAffiliate(world, MERCHANT, 'aff_rejected', emailHash('rejected@example.com'), { camp_main: 'rejected' });
  addAffiliate(world, MERCHANT, 'aff_stranger', emailHash('stranger@example.com'), {});

  const click = (id: string, campaignId: string, affiliateId: string, visitorId: string, at: Date) =>
    addClick(world, MERCHANT, { id, campaignId, affiliateId, visitorId, at });
  click('clk_ann', 'camp_main', 'aff_ann', 'vis_ann', saleTimePlus(-2 * DAY));
  click('clk_bob_other', 'camp_other', 'aff_bob', 'vis_bob', saleTimePlus(-DAY));
  click('clk_pending', 'camp_main', 'aff_pending', 'vis_pending', saleTimePlus(-DAY));
  click('clk_rejected', 'camp_main', 'aff_rejected', 'vis_rejected', saleTimePlus(-DAY));
  click('clk_stranger', 'camp_main', 'aff_stranger', 'vis_stranger', saleTimePlus(-DAY));
  click('clk_monthly', 'camp_monthly', 'aff_ann', 'vis_sub', new Date(FIRST_AT.getTime() - DAY));
  click('clk_lifetime', 'camp_lifetime', 'aff_bob', 'vis_sub', new Date(FIRST_AT.getTime() - DAY));
  for (const name of ['gross', 'flat', 'tiered', 'jpy', 'kwd']) {
    click(`clk_${name}`, `camp_${name}`, 'aff_ann', `vis_${name}`, saleTimePlus(-DAY));
  }
  click('clk_tiered_bob', 'camp_tiered', 'aff_bob', 'vis_tiered_bob', saleTimePlus(-DAY));
  return world;
}

/** A click of visitor `vis_w` in camp_main (unless another campaign is named), for the window cases. */
const visit = (id: string, affiliateId: string, at: Date, campaignId = 'camp_main') => (world: World) =>
  addClick(world, MERCHANT, { id, campaignId, affiliateId, visitorId: 'vis_w', at });

const withCap = (amount: number, currency = 'USD') => (world: World) => world.caps.set(MERCHANT, { amount, currency });
const subscribedToAll = (world: World) =>
  world.subscriptions.set(MERCHANT, ['conversion.created', 'conversion.updated', 'conversion.reversed']);

/** The merchant's lifecycle moved the conversion to `paid` (a PATCH, outside the engine's decisions). */
const markPaid = (orderId: string) => (world: World) => {
  const conversion = conversionOf(world, orderId);
  if (!conversion) throw new Error(`no conversion of ${orderId} to mark paid`);
  conversion.status = 'paid';
};

// ---------------------------------------------------------------------------------------------------
// Canonical records.

const NO_HINTS: AttributionHints = { visitorId: null, clickId: null, programId: null, source: 'metadata' };

interface SaleOptions extends Partial<Omit<SaleRecord, 'hints' | 'amounts'>> {
  /** Replaces the default hints (a purchase names clk_ann; a renewal names nothing). */
  hints?: Partial<AttributionHints>;
  amounts?: Partial<SaleAmounts>;
  gross?: number;
}

function sale(kind: SaleRecord['kind'], defaultHints: Partial<AttributionHints>, options: SaleOptions): SaleRecord {
  const { hints, amounts, gross = 10000, ...rest } = options;
  return {
    kind, orderId: 'pi_1', occurredAt: SALE_AT, currency: 'USD', amountsPrecedence: 1,
    conversionType: kind === 'renewal' ? 'recurring' : 'one_time', subscriptionKey: null, customerKey: null, references: [],
    customerEmail: null, customerId: null, metadata: {}, ...rest,
    amounts: { gross, tax: 0, shipping: 0, discount: 0, ...amounts },
    hints: { ...NO_HINTS, ...(hints ?? defaultHints) },
  };
}

/** A paid order pi_1 of 100.00 USD at SALE_AT through clk_ann, unless told otherwise. */
const purchase = (options: SaleOptions = {}) => sale('purchase', { clickId: 'clk_ann' }, options);
const renewal = (options: SaleOptions = {}) => sale('renewal', {}, { orderId: 'in_2', ...options });

/** The first payment of subscription sub_1 (order in_1, 50.00 USD at FIRST_AT) through `clickId`. */
const firstPayment = (clickId: string, options: SaleOptions = {}) => purchase({
  orderId: 'in_1', occurredAt: FIRST_AT, gross: 5000, conversionType: 'subscription',
  subscriptionKey: 'sub_1', customerKey: 'cus_1', hints: { clickId }, ...options,
});
const renewalOfSub1 = (occurredAt: Date, options: SaleOptions = {}) =>
  renewal({ occurredAt, gross: 5000, subscriptionKey: 'sub_1', customerKey: 'cus_1', ...options });

interface RefundOptions {
  order?: OrderLocator;
  currency?: string;
  status?: RefundStatus;
  mode?: RefundRecord['mode'];
}

/** One refund (`key`) of `amount` minor units of order pi_1, succeeded, unless told otherwise. */
function refund(key: string, amount: number, options: RefundOptions = {}): RefundRecord {
  return {
    kind: 'refund', order: { orderId: 'pi_1' }, mode: 'single', key, amount, currency: 'USD', status: 'succeeded',
    occurredAt: NOW, ...options,
  };
}
const refundedTotal = (key: string, total: number) => refund(key, total, { mode: 'cumulative' });
const dispute = (kind: 'chargeback' | 'chargeback_won', disputeKey: string): CanonicalRecord =>
  ({ kind, order: { orderId: 'pi_1' }, disputeKey, occurredAt: NOW });
/** Dispute `disputeKey` of order pi_1 lost. */
const chargeback = (disputeKey: string) => dispute('chargeback', disputeKey);
/** Dispute `disputeKey` of order pi_1 won. */
const chargebackWon = (disputeKey: string) => dispute('chargeback_won', disputeKey);

// ---------------------------------------------------------------------------------------------------
// The table's shape.

/** An event to decide (with its own receivedAt etc. when given), or a change to the world between events. */
type Step = { records: CanonicalRecord[]; context?: Partial<DecisionContext> } | { arrange: (world: World) => void };

const event = (...records: CanonicalRecord[]): Step => ({ records });
const eventWith = (context: Partial<DecisionContext>, ...records: CanonicalRecord[]): Step => ({ context, records });
const meanwhile = (arrange: (world: World) => void): Step => ({ arrange });

type ExpectedOutcome =
  | { status: 'processed' }
  | { status: 'ignored'; reason: IgnoreReason }
  | { status: 'waiting'; waitingFor: string | null };

const processed: ExpectedOutcome = { status: 'processed' };
const ignored = (reason: IgnoreReason): ExpectedOutcome => ({ status: 'ignored', reason });
const waiting = (waitingFor: string): ExpectedOutcome => ({ status: 'waiting', waitingFor });

interface ExpectedConversion {
  affiliate: string;
  campaign: string;
  commission: number;
  status: ConversionStatus;
  reason: string | null;
  refunded: number;
  /** Every line of the conversion's ledger, in order: type and commission delta. */
  ledger: [AdjustmentType, number][];
  /** Further columns worth checking in this case. */
  also?: Partial<Conversion>;
}

/** A conversion as a sale records it: pending, nothing refunded, its ledger the one commission line. */
function recorded(affiliate: string, campaign: string, commission: number, also?: Partial<Conversion>): ExpectedConversion {
  const ledger: ExpectedConversion['ledger'] = [['commission', commission]];
  return { affiliate, campaign, commission, status: 'pending', reason: null, refunded: 0, ledger, ...(also ? { also } : {}) };
}

interface Case {
  name: string;
  /** State beyond the base world, before the first step. */
  arrange?: (world: World) => void;
  steps: Step[];
  /** One per event step, in order. */
  outcomes: ExpectedOutcome[];
  /** Every conversion the world ends with, by order id; null: this order has none. */
  conversions: Record<string, ExpectedConversion | null>;
  /** Matched against the last event's trace. */
  trace?: RegExp;
  /** The outbox's event types in order (none unless the case subscribes an endpoint). */
  outbound?: OutboundEventType[];
}

function outcomeOf(outcome: RecordOutcome): ExpectedOutcome {
  switch (outcome.status) {
    case 'processed': return { status: 'processed' };
    case 'ignored': return { status: 'ignored', reason: outcome.reason };
    case 'waiting': return { status: 'waiting', waitingFor: outcome.waitingFor };
  }
}

function run(testCase: Case): { world: World; decided: Decided[] } {
  const world = baseWorld();
  testCase.arrange?.(world);
  const decided: Decided[] = [];
  for (const step of testCase.steps) {
    if ('arrange' in step) step.arrange(world);
    else decided.push(decideAndApply(world, { ...CONTEXT, ...step.context }, step.records));
  }
  return { world, decided };
}

function expectConversion(world: World, orderId: string, expected: ExpectedConversion): void {
  const conversion = conversionOf(world, orderId);
  if (!conversion) throw new Error(`order ${orderId} has no conversion`);
  const ledger = ledgerOf(world, conversion);
  const { also, ...shown } = expected;
  expect({
    affiliate: conversion.affiliate_id, campaign: conversion.campaign_id, commission: conversion.commission,
    status: conversion.status, reason: conversion.status_reason, refunded: conversion.refunded_amount,
    ledger: ledger.map((line) => [line.type, line.commission_delta]),
  }, `conversion of ${orderId}`).toEqual(shown);
  // SPEC §5: commission always equals the sum of the ledger.
  expect(ledger.reduce((sum, line) => sum + line.commission_delta, 0)).toBe(conversion.commission);
  if (also) expect(conversion).toMatchObject(also);
}

function check(testCase: Case): void {
  const { world, decided } = run(testCase);
  expect(decided.map((one) => outcomeOf(one.outcome))).toEqual(testCase.outcomes);
  const expected = Object.entries(testCase.conversions);
  const expectedOrders = expected.filter(([, conversion]) => conversion !== null).map(([orderId]) => orderId);
  expect(world.conversions.map((conversion) => conversion.order_id).sort()).toEqual(expectedOrders.sort());
  for (const [orderId, conversion] of expected) if (conversion) expectConversion(world, orderId, conversion);
  if (testCase.trace) expect(decided.at(-1)?.outcome.trace.join('\n')).toMatch(testCase.trace);
  expect(world.outbound.map((outbound) => outbound.type)).toEqual(testCase.outbound ?? []);
}

// ---------------------------------------------------------------------------------------------------
// SPEC §8: attribution.

const ATTRIBUTION: Case[] = [
  {
    name: 'a click id gives the sale to the click’s affiliate in the click’s campaign (20 % of 100.00)',
    steps: [event(purchase({ hints: { clickId: 'clk_ann' } }))],
    outcomes: [processed],
    conversions: {
      pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_ann', visitor_id: 'vis_ann', conversion_type: 'one_time' }),
    },
    trace: /click_id=clk_ann → click clk_ann → affiliate aff_ann in camp_main/,
  },
  {
    name: 'without a program, the click’s campaign wins over the connection’s default (10 % of 100.00)',
    steps: [event(purchase({ hints: { clickId: 'clk_bob_other' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_bob', 'camp_other', 1000, { click_id: 'clk_bob_other' }) },
  },
  {
    name: 'a program naming the click’s own campaign attributes to the click',
    steps: [event(purchase({ hints: { programId: 'camp_other', clickId: 'clk_bob_other' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_bob', 'camp_other', 1000) },
  },
  {
    name: 'a program overrides the click’s campaign, and a click of another campaign does not count → unattributed',
    steps: [event(purchase({ hints: { programId: 'camp_other', clickId: 'clk_ann' } }))],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
    trace: /click belongs to camp_main, not camp_other/,
  },
  {
    name: 'a program whose click is of another campaign falls back to the visitor’s click in the program',
    arrange: (world) => addClick(world, MERCHANT, {
      id: 'clk_bob_for_ann', campaignId: 'camp_other', affiliateId: 'aff_bob', visitorId: 'vis_ann', at: saleTimePlus(-DAY),
    }),
    steps: [event(purchase({ hints: { programId: 'camp_other', clickId: 'clk_ann', visitorId: 'vis_ann' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_bob', 'camp_other', 1000, { click_id: 'clk_bob_for_ann', visitor_id: 'vis_ann' }) },
  },
  {
    name: 'no program and no click: the connection’s default campaign, then the visitor’s latest click in it',
    steps: [event(purchase({ hints: { visitorId: 'vis_ann' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_ann', visitor_id: 'vis_ann' }) },
  },
  {
    name: 'the connection’s default campaign decides where a visitor’s click is looked for',
    steps: [eventWith({ defaultCampaignId: 'camp_other' }, purchase({ hints: { visitorId: 'vis_bob' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_bob', 'camp_other', 1000, { click_id: 'clk_bob_other' }) },
  },
  {
    name: 'a visitor whose only click is in another campaign than the default → unattributed',
    steps: [event(purchase({ hints: { visitorId: 'vis_bob' } }))],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
  },
  {
    name: 'an unknown click id alone → unattributed',
    steps: [event(purchase({ hints: { clickId: 'clk_missing' } }))],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
    trace: /click_id=clk_missing → no such click/,
  },
  {
    name: 'an unknown click id falls back to the visitor id',
    steps: [event(purchase({ hints: { clickId: 'clk_missing', visitorId: 'vis_ann' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_ann' }) },
  },
  {
    name: 'a known click id wins over a visitor id pointing at another affiliate',
    steps: [event(purchase({ hints: { clickId: 'clk_ann', visitorId: 'vis_pending' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_ann', visitor_id: 'vis_pending' }) },
  },
  {
    name: 'no hints at all → unattributed',
    steps: [event(purchase({ hints: {} }))],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
    trace: /no visitor_id\/click_id in metadata/,
  },
  {
    name: 'a program that is no campaign → unknown_campaign, even with a valid click',
    steps: [event(purchase({ hints: { programId: 'camp_nope', clickId: 'clk_ann' } }))],
    outcomes: [ignored('unknown_campaign')],
    conversions: { pi_1: null },
  },
  {
    name: 'a program that is another merchant’s campaign → unknown_campaign',
    steps: [event(purchase({ hints: { programId: 'camp_foreign', visitorId: 'vis_ann' } }))],
    outcomes: [ignored('unknown_campaign')],
    conversions: { pi_1: null },
  },
  {
    name: 'the click’s affiliate is pending in the campaign → affiliate_not_approved',
    steps: [event(purchase({ hints: { clickId: 'clk_pending' } }))],
    outcomes: [ignored('affiliate_not_approved')],
    conversions: { pi_1: null },
  },
  {
    name: 'the click’s affiliate is rejected in the campaign → affiliate_not_approved',
    steps: [event(purchase({ hints: { clickId: 'clk_rejected' } }))],
    outcomes: [ignored('affiliate_not_approved')],
    conversions: { pi_1: null },
  },
  {
    name: 'the click’s affiliate is not enrolled in the campaign → affiliate_not_approved',
    steps: [event(purchase({ hints: { clickId: 'clk_stranger' } }))],
    outcomes: [ignored('affiliate_not_approved')],
    conversions: { pi_1: null },
    trace: /affiliate aff_stranger is not enrolled in camp_main/,
  },
  {
    name: 'a pending affiliate found through the visitor id → affiliate_not_approved',
    steps: [event(purchase({ hints: { visitorId: 'vis_pending' } }))],
    outcomes: [ignored('affiliate_not_approved')],
    conversions: { pi_1: null },
  },
  {
    name: 'one order, two deliveries: the second changes nothing',
    steps: [event(purchase()), event(purchase())],
    outcomes: [processed, processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000) },
    trace: /order pi_1 is already recorded/,
  },
];

// SPEC §8 rule 2: the cookie window and the clock-skew allowance (visitor vis_w, camp_main: 30 days, 15 minutes).
const byVisitor = (options: SaleOptions = {}) => purchase({ hints: { visitorId: 'vis_w' }, ...options });

const WINDOWS: Case[] = [
  {
    name: 'a click 29 days before the sale is inside the 30-day window',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(-29 * DAY)),
    steps: [event(byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w', visitor_id: 'vis_w' }) },
  },
  {
    name: 'a click exactly 30 days before the sale still counts (the window’s start is inclusive)',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(-30 * DAY)),
    steps: [event(byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w' }) },
  },
  {
    name: 'a click 30 days and a minute before the sale is outside → unattributed',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(-30 * DAY - MINUTE)),
    steps: [event(byVisitor())],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
    trace: /no click in camp_main within the 30-day cookie window/,
  },
  {
    name: 'the window is the campaign’s: with 7 days, a click 8 days old is outside',
    arrange: (world) => {
      changeCampaign(world, MERCHANT, 'camp_main', { cookie_window_days: 7 });
      visit('clk_w', 'aff_ann', saleTimePlus(-8 * DAY))(world);
    },
    steps: [event(byVisitor())],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
  },
  {
    name: 'of two clicks in the window, the latest wins',
    arrange: (world) => {
      visit('clk_w_ann', 'aff_ann', saleTimePlus(-5 * DAY))(world);
      visit('clk_w_bob', 'aff_bob', saleTimePlus(-DAY))(world);
    },
    steps: [event(byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_bob', 'camp_main', 2000, { click_id: 'clk_w_bob' }) },
  },
  {
    name: 'a newer click in another campaign does not displace the one in the sale’s campaign',
    arrange: (world) => {
      visit('clk_w_ann', 'aff_ann', saleTimePlus(-5 * DAY))(world);
      visit('clk_w_bob', 'aff_bob', saleTimePlus(-DAY), 'camp_other')(world);
    },
    steps: [event(byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w_ann' }) },
  },
  {
    name: 'clock skew: a click 5 minutes after the reported sale time, before the delivery arrived, counts and is traced',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(5 * MINUTE)),
    steps: [eventWith({ receivedAt: saleTimePlus(10 * MINUTE) }, byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w' }) },
    trace: /recorded 5 min after the reported sale time, before the delivery arrived: within the 15-minute clock-skew allowance/,
  },
  {
    name: 'clock skew: a click exactly 15 minutes after the sale time still counts',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(15 * MINUTE)),
    steps: [eventWith({ receivedAt: saleTimePlus(20 * MINUTE) }, byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w' }) },
  },
  {
    name: 'clock skew: a click 16 minutes after the sale time is past the allowance → unattributed',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(16 * MINUTE)),
    steps: [eventWith({ receivedAt: saleTimePlus(30 * MINUTE) }, byVisitor())],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
  },
  {
    name: 'clock skew: the allowance is the campaign’s; with 0 minutes a click 1 minute after the sale does not count',
    arrange: (world) => {
      changeCampaign(world, MERCHANT, 'camp_main', { clock_skew_minutes: 0 });
      visit('clk_w', 'aff_ann', saleTimePlus(MINUTE))(world);
    },
    steps: [eventWith({ receivedAt: saleTimePlus(10 * MINUTE) }, byVisitor())],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
  },
  {
    name: 'a click recorded after the delivery arrived never counts, even inside the allowance',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(3 * MINUTE)),
    steps: [eventWith({ receivedAt: saleTimePlus(2 * MINUTE) }, byVisitor())],
    outcomes: [ignored('unattributed')],
    conversions: { pi_1: null },
  },
  {
    name: 'a rival click recorded after the delivery arrived does not take the sale from the earlier one',
    arrange: (world) => {
      visit('clk_w_ann', 'aff_ann', saleTimePlus(-DAY))(world);
      visit('clk_w_bob', 'aff_bob', saleTimePlus(3 * MINUTE))(world);
    },
    steps: [eventWith({ receivedAt: saleTimePlus(2 * MINUTE) }, byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w_ann' }) },
  },
  {
    name: 'a sale with no delivery time (an import) has the allowance alone: a click 10 minutes after counts',
    arrange: visit('clk_w', 'aff_ann', saleTimePlus(10 * MINUTE)),
    steps: [eventWith({ receivedAt: null }, byVisitor())],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_w' }) },
  },
  {
    name: 'a click named by id is that click even when older than the cookie window (rule 1 has no window)',
    arrange: visit('clk_old', 'aff_ann', saleTimePlus(-90 * DAY)),
    steps: [event(purchase({ hints: { clickId: 'clk_old' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { click_id: 'clk_old' }) },
  },
];

// SPEC §4 recurring and §8 rule 3: renewals (subscription sub_1, first paid at FIRST_AT, 50.00 USD → 10.00).

const RECURRING: Case[] = [
  {
    name: 'a renewal in a campaign without recurring → recurring_disabled (the first payment keeps its conversion)',
    steps: [event(firstPayment('clk_ann')), event(renewalOfSub1(addUtcMonths(FIRST_AT, 1)))],
    outcomes: [processed, ignored('recurring_disabled')],
    conversions: {
      in_1: recorded('aff_ann', 'camp_main', 1000, { conversion_type: 'subscription', subscription_id: 'sub_1' }),
      in_2: null,
    },
  },
  {
    name: 'a renewal naming its click in a campaign without recurring → recurring_disabled, without waiting for the first sale',
    steps: [event(renewalOfSub1(SALE_AT, { hints: { clickId: 'clk_ann' } }))],
    outcomes: [ignored('recurring_disabled')],
    conversions: { in_2: null },
  },
  {
    name: '12-month recurring: a renewal 11 months in borrows the first conversion’s affiliate and click',
    steps: [event(firstPayment('clk_monthly')), event(renewalOfSub1(addUtcMonths(FIRST_AT, 11)))],
    outcomes: [processed, processed],
    conversions: {
      in_1: recorded('aff_ann', 'camp_monthly', 1000),
      in_2: recorded('aff_ann', 'camp_monthly', 1000, {
        conversion_type: 'recurring', click_id: 'clk_monthly', subscription_id: 'sub_1',
      }),
    },
    trace: /sub_1 → first conversion .* \(order in_1\) → affiliate aff_ann in camp_monthly/,
  },
  {
    name: '12-month recurring: a renewal exactly 12 months in still earns',
    steps: [event(firstPayment('clk_monthly')), event(renewalOfSub1(addUtcMonths(FIRST_AT, 12)))],
    outcomes: [processed, processed],
    conversions: { in_1: recorded('aff_ann', 'camp_monthly', 1000), in_2: recorded('aff_ann', 'camp_monthly', 1000) },
  },
  {
    name: '12-month recurring: a renewal 12 months and a day in → recurring_window_ended',
    steps: [event(firstPayment('clk_monthly')), event(renewalOfSub1(new Date(addUtcMonths(FIRST_AT, 12).getTime() + DAY)))],
    outcomes: [processed, ignored('recurring_window_ended')],
    conversions: { in_1: recorded('aff_ann', 'camp_monthly', 1000), in_2: null },
  },
  {
    name: 'lifetime recurring: a renewal three years in still earns',
    steps: [event(firstPayment('clk_lifetime')), event(renewalOfSub1(addUtcMonths(FIRST_AT, 36)))],
    outcomes: [processed, processed],
    conversions: { in_1: recorded('aff_bob', 'camp_lifetime', 1000), in_2: recorded('aff_bob', 'camp_lifetime', 1000) },
  },
  {
    name: 'a renewal before its first sale waits for the subscription, and earns once the first sale is recorded',
    steps: [
      event(renewalOfSub1(addUtcMonths(FIRST_AT, 1), { hints: { programId: 'camp_monthly' } })),
      event(firstPayment('clk_monthly')),
      event(renewalOfSub1(addUtcMonths(FIRST_AT, 1), { hints: { programId: 'camp_monthly' } })),
    ],
    outcomes: [waiting('sub_1'), processed, processed],
    conversions: { in_1: recorded('aff_ann', 'camp_monthly', 1000), in_2: recorded('aff_ann', 'camp_monthly', 1000) },
  },
  {
    name: 'a months-limited renewal waits for its first sale even when it names its own click (the window needs a start)',
    steps: [event(renewalOfSub1(addUtcMonths(FIRST_AT, 1), { hints: { clickId: 'clk_monthly' } }))],
    outcomes: [waiting('sub_1')],
    conversions: { in_2: null },
  },
  {
    name: 'a lifetime renewal naming its own click needs no first sale',
    steps: [event(renewalOfSub1(addUtcMonths(FIRST_AT, 1), { hints: { clickId: 'clk_lifetime' } }))],
    outcomes: [processed],
    conversions: { in_2: recorded('aff_bob', 'camp_lifetime', 1000, { click_id: 'clk_lifetime', conversion_type: 'recurring' }) },
  },
  {
    name: 'a renewal of an unknown subscription is bound through the customer to the first sale',
    steps: [
      event(firstPayment('clk_monthly', { subscriptionKey: null })),
      event(renewalOfSub1(addUtcMonths(FIRST_AT, 2), { subscriptionKey: 'sub_unknown' })),
    ],
    outcomes: [processed, processed],
    conversions: { in_1: recorded('aff_ann', 'camp_monthly', 1000), in_2: recorded('aff_ann', 'camp_monthly', 1000) },
  },
  {
    name: 'a renewal whose first sale was unattributed → unattributed',
    steps: [
      event(firstPayment('clk_monthly', { hints: { programId: 'camp_monthly' } })),
      event(renewalOfSub1(addUtcMonths(FIRST_AT, 1), { hints: { programId: 'camp_monthly' } })),
    ],
    outcomes: [ignored('unattributed'), ignored('unattributed')],
    conversions: { in_1: null, in_2: null },
  },
];

// SPEC §9: the commission of one sale.

const COMMISSION: Case[] = [
  {
    name: 'the base is net: 120.00 − 20.00 tax − 5.00 shipping = 95.00 → 19.00',
    steps: [event(purchase({ gross: 12000, amounts: { tax: 2000, shipping: 500, discount: 300 } }))],
    outcomes: [processed],
    conversions: {
      pi_1: recorded('aff_ann', 'camp_main', 1900, {
        amount: 12000, net_amount: 9500, tax_amount: 2000, shipping_amount: 500, discount_amount: 300,
      }),
    },
  },
  {
    name: 'a gross-based campaign takes 20 % of the whole 120.00 → 24.00',
    steps: [event(purchase({ gross: 12000, amounts: { tax: 2000, shipping: 500 }, hints: { clickId: 'clk_gross' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_gross', 2400, { net_amount: 9500 }) },
  },
  {
    name: 'a net base never goes below zero: shipping above the price earns nothing',
    steps: [event(purchase({ gross: 500, amounts: { shipping: 800 } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 0, { net_amount: 0 }) },
  },
  {
    name: 'percent rounds half away from zero: 12.5 % of 10.04 = 1.255 → 1.26',
    arrange: (world) => changeCampaign(world, MERCHANT, 'camp_main', { commission: { type: 'percent', rateBasisPoints: 1250 } }),
    steps: [event(purchase({ gross: 1004 }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 126, { commission_rate_basis_points: 1250 }) },
  },
  {
    name: 'JPY has no minor unit: 15 % of ¥4990 = 748.5 → ¥749',
    steps: [event(purchase({ currency: 'JPY', gross: 4990, hints: { clickId: 'clk_jpy' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_jpy', 749, { currency: 'JPY', amount: 4990 }) },
  },
  {
    name: 'KWD has three decimals: 15 % of 12.345 KWD = 1.85175 → 1.852',
    steps: [event(purchase({ currency: 'KWD', gross: 12345, hints: { clickId: 'clk_kwd' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_kwd', 1852, { currency: 'KWD', amount: 12345 }) },
  },
  {
    name: 'a flat commission is the campaign’s amount whatever the sale: 5.00',
    steps: [event(purchase({ gross: 123456, hints: { clickId: 'clk_flat' } }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_flat', 500, { commission_rate_basis_points: null }) },
  },
  {
    name: 'a flat USD commission on a EUR sale → recorded with 0 and currency_mismatch',
    steps: [event(purchase({ currency: 'EUR', hints: { clickId: 'clk_flat' } }))],
    outcomes: [processed],
    conversions: { pi_1: { ...recorded('aff_ann', 'camp_flat', 0, { currency: 'EUR' }), reason: 'currency_mismatch' } },
  },
  {
    name: 'a percent commission applies to a sale in another currency than the campaign’s, in the sale’s currency',
    steps: [event(purchase({ currency: 'EUR' }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000, { currency: 'EUR' }) },
  },
  {
    name: 'self-referral: the customer’s email is the affiliate’s (trimmed, any case) → recorded rejected, ledger explains the 0',
    steps: [event(purchase({ customerEmail: '  Ann@Example.COM ' }))],
    outcomes: [processed],
    conversions: {
      pi_1: {
        affiliate: 'aff_ann', campaign: 'camp_main', commission: 0, status: 'rejected', reason: 'self_referral', refunded: 0,
        ledger: [['commission', 2000], ['rejection', -2000]], also: { original_commission: 2000 },
      },
    },
  },
  {
    name: 'self-referral in a campaign that allows it earns normally',
    arrange: (world) => changeCampaign(world, MERCHANT, 'camp_main', { self_referral: 'allow' }),
    steps: [event(purchase({ customerEmail: 'ann@example.com' }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000) },
  },
  {
    name: 'another customer’s email is no self-referral',
    steps: [event(purchase({ customerEmail: 'carol@example.com' }))],
    outcomes: [processed],
    conversions: { pi_1: recorded('aff_ann', 'camp_main', 2000) },
  },
];

// SPEC §9: the merchant's monthly earnings cap (50.00 USD) and tiers by the affiliate's month.

const CAPS_AND_TIERS: Case[] = [
  {
    name: 'cap: 30.00 already this month + 20.00 reaches the 50.00 cap exactly → still pending',
    arrange: withCap(5000),
    steps: [event(purchase({ orderId: 'pi_0', gross: 15000 })), event(purchase())],
    outcomes: [processed, processed],
    conversions: { pi_0: recorded('aff_ann', 'camp_main', 3000), pi_1: recorded('aff_ann', 'camp_main', 2000) },
  },
  {
    name: 'cap: 40.00 already this month + 20.00 is over 50.00 → recorded rejected earnings_limit_reached',
    arrange: withCap(5000),
    steps: [event(purchase({ orderId: 'pi_0', gross: 20000 })), event(purchase())],
    outcomes: [processed, processed],
    conversions: {
      pi_0: recorded('aff_ann', 'camp_main', 4000),
      pi_1: {
        affiliate: 'aff_ann', campaign: 'camp_main', commission: 0, status: 'rejected', reason: 'earnings_limit_reached',
        refunded: 0, ledger: [['commission', 2000], ['rejection', -2000]], also: { original_commission: 2000 },
      },
    },
  },
  {
    name: 'cap: a cap in EUR does not limit USD commissions',
    arrange: withCap(5000, 'EUR'),
    steps: [event(purchase({ orderId: 'pi_0', gross: 20000 })), event(purchase())],
    outcomes: [processed, processed],
    conversions: { pi_0: recorded('aff_ann', 'camp_main', 4000), pi_1: recorded('aff_ann', 'camp_main', 2000) },
  },
  {
    name: 'cap: last month’s commissions do not count against this month',
    arrange: withCap(5000),
    steps: [event(purchase({ orderId: 'pi_0', gross: 20000, occurredAt: LAST_MONTH })), event(purchase())],
    outcomes: [processed, processed],
    conversions: { pi_0: recorded('aff_ann', 'camp_main', 4000), pi_1: recorded('aff_ann', 'camp_main', 2000) },
  },
  {
    name: 'cap: a fully refunded sale no longer uses the cap',
    arrange: withCap(5000),
    steps: [
      event(purchase({ orderId: 'pi_0', gross: 20000 })),
      event(refund('re_0', 20000, { order: { orderId: 'pi_0' } })),
      event(purchase()),
    ],
    outcomes: [processed, processed, processed],
    conversions: {
      pi_0: {
        ...recorded('aff_ann', 'camp_main', 0), status: 'reversed', refunded: 20000, ledger: [['commission', 4000], ['refund', -4000]],
      },
      pi_1: recorded('aff_ann', 'camp_main', 2000),
    },
  },
  {
    name: 'tiers: the 3rd conversion of the month reaches the 25 % tier (10 %, 10 %, 25 %)',
    steps: [1, 2, 3].map((number) => event(purchase({ orderId: `pi_${number}`, hints: { clickId: 'clk_tiered' } }))),
    outcomes: [processed, processed, processed],
    conversions: {
      pi_1: recorded('aff_ann', 'camp_tiered', 1000),
      pi_2: recorded('aff_ann', 'camp_tiered', 1000),
      pi_3: recorded('aff_ann', 'camp_tiered', 2500, { commission_rate_basis_points: 2500 }),
    },
  },
  {
    name: 'tiers: a rejected conversion (self-referral) does not count towards the tier',
    steps: [
      event(purchase({ orderId: 'pi_1', hints: { clickId: 'clk_tiered' } })),
      event(purchase({ orderId: 'pi_2', hints: { clickId: 'clk_tiered' }, customerEmail: 'ann@example.com' })),
      event(purchase({ orderId: 'pi_3', hints: { clickId: 'clk_tiered' } })),
      event(purchase({ orderId: 'pi_4', hints: { clickId: 'clk_tiered' } })),
    ],
    outcomes: [processed, processed, processed, processed],
    conversions: {
      pi_1: recorded('aff_ann', 'camp_tiered', 1000),
      pi_2: {
        affiliate: 'aff_ann', campaign: 'camp_tiered', commission: 0, status: 'rejected', reason: 'self_referral', refunded: 0,
        ledger: [['commission', 1000], ['rejection', -1000]],
      },
      pi_3: recorded('aff_ann', 'camp_tiered', 1000),
      pi_4: recorded('aff_ann', 'camp_tiered', 2500),
    },
  },
  {
    name: 'tiers: last month’s conversions do not count',
    steps: [
      event(purchase({ orderId: 'pi_1', occurredAt: LAST_MONTH, hints: { clickId: 'clk_tiered' } })),
      event(purchase({ orderId: 'pi_2', occurredAt: LAST_MONTH, hints: { clickId: 'clk_tiered' } })),
      event(purchase({ orderId: 'pi_3', hints: { clickId: 'clk_tiered' } })),
    ],
    outcomes: [processed, processed, processed],
    conversions: {
      pi_1: recorded('aff_ann', 'camp_tiered', 1000),
      pi_2: recorded('aff_ann', 'camp_tiered', 1000),
      pi_3: recorded('aff_ann', 'camp_tiered', 1000),
    },
  },
  {
    name: 'tiers: another affiliate’s conversions do not count',
    steps: [
      event(purchase({ orderId: 'pi_1', hints: { clickId: 'clk_tiered_bob' } })),
      event(purchase({ orderId: 'pi_2', hints: { clickId: 'clk_tiered_bob' } })),
      event(purchase({ orderId: 'pi_3', hints: { clickId: 'clk_tiered' } })),
    ],
    outcomes: [processed, processed, processed],
    conversions: {
      pi_1: recorded('aff_bob', 'camp_tiered', 1000),
      pi_2: recorded('aff_bob', 'camp_tiered', 1000),
      pi_3: recorded('aff_ann', 'camp_tiered', 1000),
    },
  },
];

// SPEC §9: refunds and chargebacks of order pi_1 (100.00 USD → 20.00 of commission unless told otherwise).

/** pi_1 as the sale left it, with what refunds and disputes changed. */
const after = (changes: Partial<ExpectedConversion>): ExpectedConversion =>
  ({ ...recorded('aff_ann', 'camp_main', 2000), ...changes });
/** pi_1 fully refunded or charged back by `lines` (after its commission line): nothing left, reversed. */
const reversedBy = (refunded: number, lines: ExpectedConversion['ledger'], also?: Partial<Conversion>): ExpectedConversion =>
  after({ commission: 0, status: 'reversed', refunded, ledger: [['commission', 2000], ...lines], ...(also ? { also } : {}) });

const REFUNDS: Case[] = [
  {
    name: 'a partial refund of 25.00 keeps 75 % of the commission: 15.00',
    steps: [event(purchase()), event(refund('re_1', 2500))],
    outcomes: [processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
  },
  {
    name: 'the same refund delivered twice counts once',
    steps: [event(purchase()), event(refund('re_1', 2500)), event(refund('re_1', 2500))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
    trace: /already reflects this/,
  },
  {
    name: 'two refunds add up: 25.00 + 10.00 of 100.00 → 13.00',
    steps: [event(purchase()), event(refund('re_1', 2500)), event(refund('re_2', 1000))],
    outcomes: [processed, processed, processed],
    conversions: {
      pi_1: after({ commission: 1300, refunded: 3500, ledger: [['commission', 2000], ['refund', -500], ['refund', -200]] }),
    },
  },
  {
    name: 'a full refund reverses the conversion',
    steps: [event(purchase()), event(refund('re_1', 10000))],
    outcomes: [processed, processed],
    conversions: {
      pi_1: reversedBy(10000, [['refund', -2000]], { status_before_reversal: 'pending' }),
    },
  },
  {
    name: 'two partial refunds making the whole: 60.00 (→ 8.00) then 40.00 (→ 0, reversed)',
    steps: [event(purchase()), event(refund('re_1', 6000)), event(refund('re_2', 4000))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: reversedBy(10000, [['refund', -1200], ['refund', -800]]) },
  },
  {
    name: 'refunds above the sale are capped at the sale',
    steps: [event(purchase()), event(refund('re_1', 12000))],
    outcomes: [processed, processed],
    conversions: { pi_1: reversedBy(10000, [['refund', -2000]]) },
  },
  {
    name: 'a cumulative total applied again or older changes nothing: 30.00 then 20.00 → 30.00 refunded, 14.00',
    steps: [event(purchase()), event(refundedTotal('ch_1', 3000)), event(refundedTotal('ch_1', 2000))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ commission: 1400, refunded: 3000, ledger: [['commission', 2000], ['refund', -600]] }) },
  },
  {
    name: 'a cumulative total and a single refund inside it: the larger total wins, not their sum',
    steps: [event(purchase()), event(refundedTotal('ch_1', 3000)), event(refund('re_1', 1000))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ commission: 1400, refunded: 3000, ledger: [['commission', 2000], ['refund', -600]] }) },
  },
  {
    name: 'a pending refund changes nothing until it succeeds',
    steps: [event(purchase()), event(refund('re_1', 2500, { status: 'pending' })), event(refund('re_1', 2500))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
  },
  {
    name: 'a late “pending” of a refund that already succeeded does not undo it',
    steps: [event(purchase()), event(refund('re_1', 2500)), event(refund('re_1', 2500, { status: 'pending' }))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
  },
  {
    name: 'a refund that fails after succeeding gives the commission back',
    steps: [event(purchase()), event(refund('re_1', 2500)), event(refund('re_1', 2500, { status: 'failed' }))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ ledger: [['commission', 2000], ['refund', -500], ['refund', 500]] }) },
  },
  {
    name: 'a refund of a paid conversion is a clawback, and it stays paid',
    steps: [event(purchase()), meanwhile(markPaid('pi_1')), event(refund('re_1', 2500))],
    outcomes: [processed, processed],
    conversions: {
      pi_1: after({ commission: 1500, status: 'paid', refunded: 2500, ledger: [['commission', 2000], ['clawback', -500]] }),
    },
  },
  {
    name: 'a full refund of a paid conversion claws everything back and it stays paid',
    steps: [event(purchase()), meanwhile(markPaid('pi_1')), event(refund('re_1', 10000))],
    outcomes: [processed, processed],
    conversions: {
      pi_1: after({ commission: 0, status: 'paid', refunded: 10000, ledger: [['commission', 2000], ['clawback', -2000]] }),
    },
  },
  {
    name: 'a refund before its purchase waits; the purchase applies it; the refund woken again changes nothing',
    steps: [event(refund('re_1', 2500)), event(purchase()), event(refund('re_1', 2500))],
    outcomes: [waiting('order:pi_1'), processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
  },
  {
    name: 'a refund naming only a processor reference waits for it; the purchase binds it; the refund then applies',
    steps: [
      event(refund('re_1', 2500, { order: { reference: 'ch_1' } })),
      event(purchase({ references: ['ch_1'] })),
      event(refund('re_1', 2500, { order: { reference: 'ch_1' } })),
    ],
    outcomes: [waiting('ch_1'), processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
  },
  {
    name: 'a refund of an unattributed sale is kept with the order: processed, no conversion',
    steps: [event(purchase({ hints: {} })), event(refund('re_1', 2500))],
    outcomes: [ignored('unattributed'), processed],
    conversions: { pi_1: null },
    trace: /has no conversion \(its sale was not attributed\)/,
  },
  {
    name: 'a refund before a sale that turns out unattributed waits, then is processed without a conversion',
    steps: [event(refund('re_1', 2500)), event(purchase({ hints: {} })), event(refund('re_1', 2500))],
    outcomes: [waiting('order:pi_1'), ignored('unattributed'), processed],
    conversions: { pi_1: null },
  },
  {
    name: 'a refund of a rejected conversion is recorded but moves no commission',
    steps: [event(purchase({ customerEmail: 'ann@example.com' })), event(refund('re_1', 2500))],
    outcomes: [processed, processed],
    conversions: {
      pi_1: {
        affiliate: 'aff_ann', campaign: 'camp_main', commission: 0, status: 'rejected', reason: 'self_referral', refunded: 2500,
        ledger: [['commission', 2000], ['rejection', -2000], ['refund', 0]],
      },
    },
  },
  {
    name: 'JPY refunds, each step rounded: ¥750 of ¥5000; ¥1250 back → 562.5 → ¥563; ¥2500 back → ¥375',
    steps: [
      event(purchase({ currency: 'JPY', gross: 5000, hints: { clickId: 'clk_jpy' } })),
      event(refund('re_1', 1250, { currency: 'JPY' })),
      event(refund('re_2', 1250, { currency: 'JPY' })),
    ],
    outcomes: [processed, processed, processed],
    conversions: {
      pi_1: {
        ...recorded('aff_ann', 'camp_jpy', 375), refunded: 2500, ledger: [['commission', 750], ['refund', -187], ['refund', -188]],
      },
    },
  },
  {
    name: 'KWD refund: 1.852 of 12.345; 2.345 back → 1.852 × 10.000 / 12.345 = 1.5002 → 1.500',
    steps: [
      event(purchase({ currency: 'KWD', gross: 12345, hints: { clickId: 'clk_kwd' } })),
      event(refund('re_1', 2345, { currency: 'KWD' })),
    ],
    outcomes: [processed, processed],
    conversions: {
      pi_1: { ...recorded('aff_ann', 'camp_kwd', 1500), refunded: 2345, ledger: [['commission', 1852], ['refund', -352]] },
    },
  },
  {
    name: 'a lost chargeback reverses like a full refund, with a chargeback line',
    steps: [event(purchase()), event(chargeback('dp_1'))],
    outcomes: [processed, processed],
    conversions: {
      pi_1: reversedBy(0, [['chargeback', -2000]], { charged_back: true, status_before_reversal: 'pending' }),
    },
  },
  {
    name: 'a chargeback lost then won restores the commission and the previous status',
    steps: [event(purchase()), event(chargeback('dp_1')), event(chargebackWon('dp_1'))],
    outcomes: [processed, processed, processed],
    conversions: {
      pi_1: after({
        ledger: [['commission', 2000], ['chargeback', -2000], ['chargeback_won', 2000]],
        also: { charged_back: false, status_before_reversal: null },
      }),
    },
  },
  {
    name: 'after a partial refund, a chargeback lost then won restores only what the refund left: 15.00',
    steps: [event(purchase()), event(refund('re_1', 2500)), event(chargeback('dp_1')), event(chargebackWon('dp_1'))],
    outcomes: [processed, processed, processed, processed],
    conversions: {
      pi_1: after({
        commission: 1500, refunded: 2500,
        ledger: [['commission', 2000], ['refund', -500], ['chargeback', -1500], ['chargeback_won', 1500]],
      }),
    },
  },
  {
    name: 'a won dispute stays won when its “lost” arrives late',
    steps: [event(purchase()), event(chargebackWon('dp_1')), event(chargeback('dp_1'))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: after({ also: { charged_back: false } }) },
  },
  {
    name: 'a chargeback before its purchase waits; the purchase is recorded already charged back',
    steps: [event(chargeback('dp_1')), event(purchase())],
    outcomes: [waiting('order:pi_1'), processed],
    conversions: { pi_1: reversedBy(0, [['chargeback', -2000]], { charged_back: true }) },
  },
  {
    name: 'a chargeback of a paid conversion takes the commission back and it stays paid',
    steps: [event(purchase()), meanwhile(markPaid('pi_1')), event(chargeback('dp_1'))],
    outcomes: [processed, processed],
    conversions: { pi_1: after({ commission: 0, status: 'paid', ledger: [['commission', 2000], ['chargeback', -2000]] }) },
  },
];

// SPEC §11: the outbox gets one event per change, only when an endpoint takes that type.

const OUTBOUND: Case[] = [
  {
    name: 'created, updated by a partial refund, reversed by the rest',
    arrange: subscribedToAll,
    steps: [event(purchase()), event(refund('re_1', 2500)), event(refund('re_2', 7500))],
    outcomes: [processed, processed, processed],
    conversions: { pi_1: reversedBy(10000, [['refund', -500], ['refund', -1500]]) },
    outbound: ['conversion.created', 'conversion.updated', 'conversion.reversed'],
  },
  {
    name: 'a refund applied at creation is announced once, as created; the woken refund announces nothing',
    arrange: subscribedToAll,
    steps: [event(refund('re_1', 2500)), event(purchase()), event(refund('re_1', 2500))],
    outcomes: [waiting('order:pi_1'), processed, processed],
    conversions: { pi_1: after({ commission: 1500, refunded: 2500, ledger: [['commission', 2000], ['refund', -500]] }) },
    outbound: ['conversion.created'],
  },
  {
    name: 'an endpoint taking only reversals hears nothing of a creation',
    arrange: (world) => world.subscriptions.set(MERCHANT, ['conversion.reversed']),
    steps: [event(purchase()), event(refund('re_1', 10000))],
    outcomes: [processed, processed],
    conversions: { pi_1: reversedBy(10000, [['refund', -2000]]) },
    outbound: ['conversion.reversed'],
  },
];

/** One test per case, named by the case in full. */
function table(cases: readonly Case[]): void {
  for (const testCase of cases) it(testCase.name, () => check(testCase));
}

describe('decideEvent over an in-memory world', () => {
  describe('SPEC §8 attribution', () => {
    table(ATTRIBUTION);
  });
  describe('SPEC §8 rule 2: cookie window and clock-skew allowance', () => {
    table(WINDOWS);
  });
  describe('SPEC §4/§8 renewals', () => {
    table(RECURRING);
  });
  describe('SPEC §9 commission of a sale', () => {
    table(COMMISSION);
  });
  describe('SPEC §9 earnings cap and tiers', () => {
    table(CAPS_AND_TIERS);
  });
  describe('SPEC §9 refunds and chargebacks', () => {
    table(REFUNDS);
  });
  describe('SPEC §11 outbound events of decisions', () => {
    table(OUTBOUND);
  });
});

describe('what a decision binds and refuses', () => {
  it('an attributed sale binds the references later events name it by, but not “order seen” (its conversion says so)', () => {
    const world = baseWorld();
    decideAndApply(world, CONTEXT, [purchase({ references: ['ch_1'], subscriptionKey: 'sub_1', customerKey: 'cus_1' })]);
    expect(world.references.map(({ reference, orderId }) => [reference, orderId]))
      .toEqual([['ch_1', 'pi_1'], ['sub_1', 'pi_1'], ['cus_1', 'pi_1']]);
  });

  it('an ignored sale binds “order seen” too, so its refunds need not wait', () => {
    const world = baseWorld();
    const decided = decideAndApply(world, CONTEXT, [purchase({ hints: {}, references: ['ch_1'] })]);
    expect(decided.outcome)
      .toMatchObject({ status: 'ignored', reason: 'unattributed', conversionIds: [], bound: ['order:pi_1', 'ch_1'] });
    expect(world.references.map(({ reference }) => reference)).toEqual(['order:pi_1', 'ch_1']);
  });

  it('a refund in another currency than its sale fails the event and leaves the world as it was', () => {
    const world = baseWorld();
    decideAndApply(world, CONTEXT, [purchase()]);
    const before = structuredClone({ conversions: world.conversions, ledger: world.ledger, facts: world.facts });
    expect(() => decide(world, CONTEXT, [refund('re_1', 2500, { currency: 'EUR' })]))
      .toThrow('refund re_1 is in EUR but order pi_1 was sold in USD');
    expect({ conversions: world.conversions, ledger: world.ledger, facts: world.facts }).toEqual(before);
  });

  it('a refund in another currency counts for nothing whether it came before its sale or after', () => {
    const saleFirst = baseWorld();
    decideAndApply(saleFirst, CONTEXT, [purchase()]);
    expect(() => decide(saleFirst, CONTEXT, [refund('re_1', 2500, { currency: 'EUR' })])).toThrow('is in EUR');

    const refundFirst = baseWorld();
    expect(decideAndApply(refundFirst, CONTEXT, [refund('re_1', 2500, { currency: 'EUR' })]).outcome)
      .toMatchObject({ status: 'waiting', waitingFor: 'order:pi_1' });
    decideAndApply(refundFirst, CONTEXT, [purchase()]);
    // Woken, the refund fails the same way.
    expect(() => decide(refundFirst, CONTEXT, [refund('re_1', 2500, { currency: 'EUR' })])).toThrow('is in EUR');

    const outcome = (world: World) => {
      const conversion = conversionOf(world, 'pi_1');
      return { commission: conversion?.commission, refunded: conversion?.refunded_amount, ledger: conversion ? ledgerOf(world, conversion).map((line) => [line.type, line.commission_delta]) : [] };
    };
    expect(outcome(refundFirst)).toEqual(outcome(saleFirst));
    expect(outcome(saleFirst)).toMatchObject({ commission: 2000, refunded: 0 });
  });

  it('the outbound event carries the conversion as it now stands, with its whole ledger', () => {
    const world = baseWorld();
    subscribedToAll(world);
    decideAndApply(world, CONTEXT, [purchase()]);
    decideAndApply(world, CONTEXT, [refund('re_1', 2500)]);
    const updated = world.outbound.at(-1);
    const body = JSON.parse(updated?.body ?? '{}') as {
      type: string; data: { commission: number; refundedAmount: number; adjustments: { type: string }[] };
    };
    expect(body.type).toBe('conversion.updated');
    expect(body.data.commission).toBe(15);
    expect(body.data.refundedAmount).toBe(25);
    expect(body.data.adjustments.map((line) => line.type)).toEqual(['commission', 'refund']);
  });

  it('deciding alone changes nothing in the world; the view asked for state it then got from the world', () => {
    const world = baseWorld();
    const before = structuredClone(world);
    const decided = decide(world, CONTEXT, [purchase()]);
    expect(world).toEqual(before);
    // At least: the order (is it known?), then the click's context, then the subscriptions for announcing.
    expect(decided.rounds).toBeGreaterThanOrEqual(3);
    expect(decided.changes.created.map((conversion) => [conversion.order_id, conversion.commission])).toEqual([['pi_1', 2000]]);
  });

  it('one event with several records decides them in order: a purchase and its refund together', () => {
    const world = baseWorld();
    const decided = decideAndApply(world, CONTEXT, [purchase(), refund('re_1', 2500)]);
    expect(decided.outcome.status).toBe('processed');
    const conversion = conversionOf(world, 'pi_1');
    expect(conversion).toMatchObject({ commission: 1500, refunded_amount: 2500, status: 'pending' });
    expect(decided.outcome.conversionIds).toEqual([conversion?.id]);
  });
});
