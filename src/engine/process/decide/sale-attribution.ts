/**
 * @module Which campaign and affiliate a processor's sale belongs to (SPEC §8), over the batch's
 * view: the campaign (program, else click, else the renewal's binding, else the connection), then the
 * affiliate (click → visitor → the subscription's first conversion), then the renewal rules
 * (recurring off, window ended, first sale not seen yet) and the affiliate's standing.
 */
import type { IgnoreReason, SaleRecord } from '../../../contract/canonical-records.js';
import type { EarningsCap } from '../../../db/repositories/campaign.repository.js';
import type { Campaign } from '../../../db/tables/campaign.table.js';
import type { Conversion } from '../../../db/tables/conversion.table.js';
import { addUtcMonths } from '../../ledger/calendar.js';
import type { BatchView } from '../batch-view.js';
import type { AffiliateStanding, ClickContext } from '../world.js';
import { attributeSale } from './attribute.js';
import { orderSeenReference, type DecisionContext } from './decision.js';

export interface AttributedSale {
  outcome: 'attributed';
  campaign: Campaign;
  cap: EarningsCap;
  affiliate: AffiliateStanding;
  clickId: string | null;
  visitorId: string | null;
}

export type SaleAttribution =
  | AttributedSale
  | { outcome: 'ignored'; reason: Extract<IgnoreReason, 'unknown_campaign' | 'unattributed' | 'affiliate_not_approved' | 'recurring_disabled' | 'recurring_window_ended'> }
  | { outcome: 'waiting'; waitingFor: string };

/** A renewal's link to its first sale: the subscription's (or customer's) bound order, and its conversion. */
interface Binding {
  reference: string;
  orderId: string;
  conversion: Conversion | null;
}

interface Resolved {
  campaign: Campaign;
  cap: EarningsCap;
  attribution: { attributed: true; affiliateId: string; clickId: string | null; visitorId: string | null } | { attributed: false };
  /** The affiliate with its standing in the campaign, when the click already said. */
  knownAffiliate?: AffiliateStanding;
}

export function decideSaleAttribution(view: BatchView, context: DecisionContext, record: SaleRecord, trace: string[]): SaleAttribution {
  const { merchantId } = context;
  const { hints } = record;
  const binding = record.kind === 'renewal' ? findBinding(view, merchantId, record) : null;

  // The common case first: the click named, with its campaign, the merchant's cap and the affiliate's standing.
  const fast = hints.clickId ? view.click({ merchantId, clickId: hints.clickId, programId: hints.programId }) : null;
  let resolved: Resolved;
  if (fast && fast.click.campaign_id === fast.campaign.id) {
    trace.push(...clickAttributionTrace(record, fast));
    resolved = {
      campaign: fast.campaign, cap: fast.cap, knownAffiliate: fast.affiliate,
      attribution: { attributed: true, affiliateId: fast.click.affiliate_id, clickId: fast.click.id, visitorId: hints.visitorId ?? fast.click.visitor_id },
    };
  } else {
    const general = resolveStepByStep(view, context, record, binding, trace);
    if ('outcome' in general) return general;
    resolved = general;
  }
  const { campaign, cap, attribution } = resolved;

  if (record.kind === 'renewal' && campaign.recurring === null) {
    trace.push(`campaign ${campaign.id} pays no commission on renewals → recurring_disabled`);
    return { outcome: 'ignored', reason: 'recurring_disabled' };
  }
  let who = attribution.attributed
    ? { affiliateId: attribution.affiliateId as string | null, clickId: attribution.clickId, visitorId: attribution.visitorId }
    : { affiliateId: null as string | null, clickId: null as string | null, visitorId: hints.visitorId };
  if (record.kind === 'renewal') {
    const renewal = decideRenewal(view, context, record, campaign, binding, who, trace);
    if ('outcome' in renewal) return renewal;
    who = renewal;
  }
  if (!who.affiliateId) {
    if (!hints.clickId && !hints.visitorId) trace.push(`no visitor_id/click_id in ${hints.source}`);
    trace.push('→ unattributed');
    return { outcome: 'ignored', reason: 'unattributed' };
  }
  const affiliate = resolved.knownAffiliate?.id === who.affiliateId ? resolved.knownAffiliate : view.affiliate(merchantId, who.affiliateId, campaign.id);
  if (!affiliate || affiliate.enrollment_status !== 'approved') {
    trace.push(`affiliate ${who.affiliateId} is ${affiliate?.enrollment_status ?? 'not enrolled'} in ${campaign.id} → affiliate_not_approved`);
    return { outcome: 'ignored', reason: 'affiliate_not_approved' };
  }
  return { outcome: 'attributed', campaign, cap, affiliate, clickId: who.clickId, visitorId: who.visitorId };
}

type Who = { affiliateId: string | null; clickId: string | null; visitorId: string | null };

/** SPEC §8 rule 3 and the recurring rules of §4: a renewal borrows its first conversion's affiliate, within the campaign's window. */
function decideRenewal(
  view: BatchView, context: DecisionContext, record: SaleRecord, campaign: Campaign, binding: Binding | null, who: Who, trace: string[],
): Who | Exclude<SaleAttribution, AttributedSale> {
  const { merchantId } = context;
  // The subscription's first conversion: its first sale's, or — after a free trial — its first paid renewal's.
  const first = binding?.conversion ?? (record.subscriptionKey ? view.firstSubscriptionConversion(merchantId, record.subscriptionKey) : null);
  const recurring = campaign.recurring;
  // Without the first sale a renewal can neither borrow its attribution nor know where a months-long
  // window starts: wait for it, unless its own metadata attributes it for life.
  if (!binding && !first && (!who.affiliateId || (recurring !== null && recurring !== 'lifetime'))) {
    trace.push(`no sale of ${record.subscriptionKey ?? 'this subscription'} recorded yet → waiting for it`);
    return { outcome: 'waiting', waitingFor: record.subscriptionKey ?? orderSeenReference(record.orderId) };
  }
  let next = who;
  if (!who.affiliateId && first) {
    next = { affiliateId: first.affiliate_id, clickId: first.click_id, visitorId: first.visitor_id };
    trace.push(`${record.subscriptionKey ?? 'subscription'} → first conversion ${first.id} (order ${first.order_id}) → affiliate ${first.affiliate_id} in ${first.campaign_id}`);
  }
  if (next.affiliateId && recurring !== null && recurring !== 'lifetime' && first && record.occurredAt > addUtcMonths(first.created_at, recurring.months)) {
    trace.push(`renewal on ${record.occurredAt.toISOString()} is past ${recurring.months} months from the first conversion (${first.created_at.toISOString()}) → recurring_window_ended`);
    return { outcome: 'ignored', reason: 'recurring_window_ended' };
  }
  if (!next.affiliateId && binding && !view.reference(merchantId, orderSeenReference(binding.orderId))) {
    // Bound by a link (e.g. Lemon Squeezy's subscription_created) to a first sale not seen yet: wait for that sale.
    trace.push(`${binding.reference} → first sale ${binding.orderId} not recorded yet → waiting for it`);
    return { outcome: 'waiting', waitingFor: orderSeenReference(binding.orderId) };
  }
  if (!next.affiliateId) {
    trace.push(`${binding?.reference ?? 'subscription'} → first sale ${binding?.orderId ?? '?'} has no conversion`);
    trace.push('→ unattributed');
    return { outcome: 'ignored', reason: 'unattributed' };
  }
  return next;
}

/** SPEC §8 step by step: the campaign (program, else click, else binding, else connection), then click → visitor. */
function resolveStepByStep(view: BatchView, context: DecisionContext, record: SaleRecord, binding: Binding | null, trace: string[]): Resolved | { outcome: 'ignored'; reason: 'unknown_campaign' } {
  const { merchantId } = context;
  const { hints } = record;
  let found;
  if (hints.programId) {
    found = view.campaign(merchantId, hints.programId);
    if (!found) {
      trace.push(`${hints.source} program_id=${hints.programId} → not a campaign of this merchant → unknown_campaign`);
      return { outcome: 'ignored', reason: 'unknown_campaign' };
    }
    trace.push(`${hints.source} program_id=${hints.programId} → campaign ${found.campaign.id}`);
  } else {
    const click = hints.clickId ? view.click({ merchantId, clickId: hints.clickId, programId: null })?.click : undefined;
    const campaignId = click?.campaign_id ?? binding?.conversion?.campaign_id ?? context.defaultCampaignId;
    found = view.campaign(merchantId, campaignId);
    if (!found) throw new Error(`campaign ${campaignId} is missing`);
  }
  const attribution = attributeSale(view, {
    merchantId, campaign: found.campaign, saleTime: record.occurredAt, receivedAt: context.receivedAt, hintSource: hints.source,
    hints: { clickId: hints.clickId, visitorId: hints.visitorId, affiliateId: null },
  });
  trace.push(...attribution.trace.filter((line) => line !== '→ unattributed' && !line.startsWith('no click_id')));
  return { ...found, attribution: attribution.attributed ? attribution : { attributed: false } };
}

/** Rule 3 for renewals: the order the subscription (or customer) is bound to, and its conversion. */
function findBinding(view: BatchView, merchantId: string, record: SaleRecord): Binding | null {
  for (const reference of [record.subscriptionKey, record.customerKey]) {
    if (!reference) continue;
    const orderId = view.reference(merchantId, reference);
    if (orderId) return { reference, orderId, conversion: view.conversion(merchantId, orderId) };
  }
  return null;
}

/** How a click in the hints decided the campaign and the affiliate, for the trace. */
export function clickAttributionTrace(record: SaleRecord, found: ClickContext): string[] {
  const { hints } = record;
  return [
    ...(hints.programId ? [`${hints.source} program_id=${hints.programId} → campaign ${found.campaign.id}`] : []),
    `${hints.source} click_id=${found.click.id} → click ${found.click.id} → affiliate ${found.click.affiliate_id} in ${found.campaign.id}`,
  ];
}
