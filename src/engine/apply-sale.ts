/**
 * @module A purchase or renewal from a processor becomes a conversion — once per order, whichever
 * of the sale's events arrives first — or an explicit ignore with its reason (SPEC §7–§9).
 */
import type { SaleRecord } from '../contract/canonical-records.js';
import { findAffiliateInCampaign } from '../db/repositories/affiliate.repository.js';
import { findCampaign, findCampaignWithCap, type EarningsCap } from '../db/repositories/campaign.repository.js';
import { findClick, findClickContext, type ClickContext } from '../db/repositories/click.repository.js';
import { findConversionAndFactsByOrder, findConversionByOrder, findFirstSubscriptionConversion, updateConversion } from '../db/repositories/conversion.repository.js';
import { bindReferences, resolveReference } from '../db/repositories/order-reference.repository.js';
import type { Affiliate } from '../db/tables/affiliate.table.js';
import type { Campaign } from '../db/tables/campaign.table.js';
import type { Click } from '../db/tables/click.table.js';
import type { Conversion } from '../db/tables/conversion.table.js';
import { hashPersonalData } from '../lib/hashing.js';
import { formatMinorAsDecimal, percentOfMinor } from '../lib/money.js';
import { lockOrder, orderSeenReference, type ApplyContext, type RecordOutcome } from './apply-context.js';
import { attributeSale } from './attribution.js';
import { addUtcMonths } from './calendar.js';
import { commissionBaseAmount, netAmount } from './commission.js';
import { emitChange, emitConversionEvent } from './conversion-events.js';
import { readOrderFacts } from './order-facts.js';
import { reconcileConversion } from './reconcile-conversion.js';
import { recordConversion, type ConversionDraft } from './record-conversion.js';

export async function applySale(context: ApplyContext, record: SaleRecord): Promise<RecordOutcome> {
  const { trx, merchantId, now } = context;
  const trace: string[] = [saleHeadline(record)];
  await lockOrder(trx, merchantId, record.orderId);
  const references = saleReferences(record);

  const { conversion: existing, hasFacts } = await findConversionAndFactsByOrder(trx, merchantId, record.orderId);
  if (existing) {
    trace.push(`order ${record.orderId} is already recorded as ${existing.id} (from ${existing.source}); nothing new`);
    const conversion = await reitemise(context, existing, record, trace);
    await bindAndWake(context, record.orderId, references);
    return { status: 'processed', conversionIds: [conversion.id], trace };
  }

  const decided = await decideAttribution(context, record, trace);
  if (decided.outcome !== 'attributed') {
    // The order is known now even though it earns nothing, so its refunds need not wait for it.
    if (decided.outcome === 'ignored') await bindAndWake(context, record.orderId, references);
    return decided.outcome === 'ignored'
      ? { status: 'ignored', reason: decided.reason, conversionIds: [], trace }
      : { status: 'waiting', waitingFor: decided.waitingFor, conversionIds: [], trace };
  }

  const result = await recordConversion(trx, saleDraft(context, record, decided), now);
  if (result.outcome === 'duplicate') {
    trace.push(`order ${record.orderId} was recorded meanwhile as ${result.conversionId}`);
    return { status: 'processed', conversionIds: [result.conversionId], trace };
  }
  let conversion = result.conversion;
  let ledger = result.adjustments;
  trace.push(recordedTrace(conversion));
  // Refunds or disputes that arrived before the sale apply now (the look-up above said whether there are any).
  if (hasFacts) {
    const reconciled = await reconcileConversion(trx, conversion, await readOrderFacts(trx, merchantId, record.orderId), { reference: record.orderId }, now);
    if (reconciled.lines.length > 0) {
      conversion = reconciled.conversion;
      ledger = [...ledger, ...reconciled.appended];
      trace.push(`applied earlier refunds/disputes: refunded ${formatMinorAsDecimal(conversion.refunded_amount, conversion.currency)}, commission ${formatMinorAsDecimal(conversion.commission, conversion.currency)}, ${conversion.status}`);
    }
  }
  // One event for the conversion as it stands: its state before the earlier facts applied was never visible.
  await emitConversionEvent(trx, 'conversion.created', conversion, now, ledger);
  await bindAndWake(context, record.orderId, references);
  return { status: 'processed', conversionIds: [conversion.id], trace };
}

/** The first line of a sale's trace. */
export function saleHeadline(record: SaleRecord): string {
  return `${record.kind} of order ${record.orderId}: ${formatMinorAsDecimal(record.amounts.gross, record.currency)} ${record.currency}`;
}

/** The references a sale binds to its order. A renewal must not claim the subscription's binding: that belongs to the first sale. */
export function saleReferences(record: SaleRecord): string[] {
  return [orderSeenReference(record.orderId), ...record.references,
    ...(record.kind === 'purchase' ? [record.subscriptionKey, record.customerKey] : [])].filter((value): value is string => value !== null);
}

/** How a click in the hints decided the campaign and the affiliate, for the trace. */
export function clickAttributionTrace(record: SaleRecord, found: ClickContext): string[] {
  const { hints } = record;
  return [
    ...(hints.programId ? [`${hints.source} program_id=${hints.programId} → campaign ${found.campaign.id}`] : []),
    `${hints.source} click_id=${found.click.id} → click ${found.click.id} → affiliate ${found.click.affiliate_id} in ${found.campaign.id}`,
  ];
}

/** The trace line of a conversion just recorded. */
export function recordedTrace(conversion: Pick<Conversion, 'id' | 'commission' | 'currency' | 'status' | 'status_reason'>): string {
  return `→ conversion ${conversion.id}: commission ${formatMinorAsDecimal(conversion.commission, conversion.currency)} ${conversion.currency}, ${conversion.status}${conversion.status_reason ? ` (${conversion.status_reason})` : ''}`;
}

/** The conversion a processor sale asks for, once attributed; customer ids kept only as keyed hashes. */
export function saleDraft(
  context: Pick<ApplyContext, 'merchantId' | 'provider' | 'piiKey'>,
  record: SaleRecord,
  decided: Pick<ConversionDraft, 'campaign' | 'cap' | 'affiliate' | 'clickId' | 'visitorId'>,
): ConversionDraft {
  const customerEmailHash = record.customerEmail ? hashPersonalData(context.piiKey, record.customerEmail) : null;
  return {
    merchantId: context.merchantId,
    campaign: decided.campaign,
    cap: decided.cap,
    affiliate: decided.affiliate,
    clickId: decided.clickId,
    visitorId: decided.visitorId,
    source: context.provider,
    orderId: record.orderId,
    conversionType: record.conversionType,
    eventType: 'sale',
    currency: record.currency,
    amounts: record.amounts,
    occurredAt: record.occurredAt,
    metadata: record.metadata,
    customerHash: customerEmailHash ?? (record.customerId ? hashPersonalData(context.piiKey, record.customerId) : null),
    customerEmailHash,
    subscriptionId: record.subscriptionKey,
    amountsPrecedence: record.amountsPrecedence,
    whenOverCap: 'record_rejected',
  };
}

/** Binds the order's references; their waiters are woken once the transaction commits (process-event.ts). */
async function bindAndWake(context: ApplyContext, orderId: string, references: string[]): Promise<void> {
  await bindReferences(context.trx, context.merchantId, orderId, references, context.now);
  context.boundReferences.push(...references);
}

/**
 * One sale seen through several events: the most itemised report's amounts win, whatever order
 * they came in. C0 is recomputed with the rate it was first computed with, and the ledger records the change.
 */
async function reitemise(context: ApplyContext, existing: Conversion, record: SaleRecord, trace: string[]): Promise<Conversion> {
  // Only the processor that recorded the sale refines it: a conversion the merchant reported through
  // the API or a postback keeps the amounts and commission the merchant gave.
  if (existing.source !== context.provider) return existing;
  if (record.amountsPrecedence <= existing.amounts_precedence || record.currency !== existing.currency || record.amounts.gross !== existing.amount) {
    return existing;
  }
  const campaign = await findCampaign(context.trx, context.merchantId, existing.campaign_id);
  if (!campaign) return existing;
  const base = commissionBaseAmount(campaign.commission_base, record.amounts);
  const originalCommission = existing.commission_rate_basis_points === null ? existing.original_commission : percentOfMinor(base, existing.commission_rate_basis_points);
  const rebased = await updateConversion(context.trx, context.merchantId, existing.id, {
    net_amount: netAmount(record.amounts),
    tax_amount: record.amounts.tax,
    shipping_amount: record.amounts.shipping,
    discount_amount: record.amounts.discount,
    amounts_precedence: record.amountsPrecedence,
    original_commission: originalCommission,
  });
  const facts = await readOrderFacts(context.trx, context.merchantId, existing.order_id);
  const { conversion } = await reconcileConversion(context.trx, rebased, facts,
    { reference: record.orderId, rebasedFrom: { originalCommission: existing.original_commission, amount: existing.amount } }, context.now);
  await emitChange(context.trx, existing, conversion, context.now);
  trace.push(`amounts itemised by this event: tax ${formatMinorAsDecimal(record.amounts.tax, record.currency)}, shipping ${formatMinorAsDecimal(record.amounts.shipping, record.currency)} → commission ${formatMinorAsDecimal(conversion.commission, conversion.currency)}`);
  return conversion;
}

type AttributionDecision =
  | { outcome: 'attributed'; campaign: Campaign; cap: EarningsCap; affiliate: Affiliate; clickId: string | null; visitorId: string | null }
  | { outcome: 'ignored'; reason: 'unknown_campaign' | 'unattributed' | 'affiliate_not_approved' | 'recurring_disabled' | 'recurring_window_ended' }
  | { outcome: 'waiting'; waitingFor: string };

/** SPEC §8: the campaign, then the affiliate (click → visitor → binding), then the recurring rules. */
async function decideAttribution(context: ApplyContext, record: SaleRecord, trace: string[]): Promise<AttributionDecision> {
  const { trx, merchantId } = context;
  const { hints } = record;
  const binding = record.kind === 'renewal' ? await findBoundConversion(context, record) : null;

  // The common case first: a click in the hints, read in one query with its campaign, the merchant's
  // cap and the affiliate's standing. Anything else (no click, a click of another campaign, a visitor
  // id, a renewal's binding) takes the general path below, which reads them one by one.
  const fast = hints.clickId ? await findClickContext(trx, merchantId, hints.clickId, hints.programId) : undefined;
  let resolved: ResolvedAttribution;
  if (fast && fast.click.campaign_id === fast.campaign.id) {
    trace.push(...clickAttributionTrace(record, fast));
    resolved = {
      campaign: fast.campaign, cap: fast.cap, knownAffiliate: fast.affiliate,
      attribution: { attributed: true, affiliateId: fast.click.affiliate_id, clickId: fast.click.id, visitorId: hints.visitorId ?? fast.click.visitor_id },
    };
  } else {
    const general = await resolveAttributionOneByOne(context, record, binding, trace);
    if ('outcome' in general) return general;
    resolved = general;
  }
  const { campaign, cap, attribution } = resolved;

  if (record.kind === 'renewal' && campaign.recurring === null) {
    trace.push(`campaign ${campaign.id} pays no commission on renewals → recurring_disabled`);
    return { outcome: 'ignored', reason: 'recurring_disabled' };
  }

  let affiliateId: string | null = attribution.attributed ? attribution.affiliateId : null;
  let clickId = attribution.attributed ? attribution.clickId : null;
  let visitorId = attribution.attributed ? attribution.visitorId : hints.visitorId;
  if (record.kind === 'renewal') {
    // The subscription's first conversion: its first sale's, or — after a free trial — its first paid renewal's.
    const first = binding?.conversion ?? (record.subscriptionKey ? await findFirstSubscriptionConversion(trx, merchantId, record.subscriptionKey) : undefined);
    const recurring = campaign.recurring;
    // Without the first sale a renewal can neither borrow its attribution nor know where a
    // months-long window starts: wait for it, unless its own metadata attributes it for life.
    if (!binding && !first && (!affiliateId || (recurring !== null && recurring !== 'lifetime'))) {
      trace.push(`no sale of ${record.subscriptionKey ?? 'this subscription'} recorded yet → waiting for it`);
      return { outcome: 'waiting', waitingFor: record.subscriptionKey ?? orderSeenReference(record.orderId) };
    }
    if (!affiliateId && first) {
      affiliateId = first.affiliate_id;
      clickId = first.click_id;
      visitorId = first.visitor_id;
      trace.push(`${record.subscriptionKey ?? 'subscription'} → first conversion ${first.id} (order ${first.order_id}) → affiliate ${affiliateId} in ${first.campaign_id}`);
    }
    if (affiliateId && recurring !== null && recurring !== 'lifetime' && first && record.occurredAt > addUtcMonths(first.created_at, recurring.months)) {
      trace.push(`renewal on ${record.occurredAt.toISOString()} is past ${recurring.months} months from the first conversion (${first.created_at.toISOString()}) → recurring_window_ended`);
      return { outcome: 'ignored', reason: 'recurring_window_ended' };
    }
    if (!affiliateId && binding && !(await resolveReference(trx, merchantId, orderSeenReference(binding.orderId)))) {
      // Bound by a link (e.g. Lemon Squeezy's subscription_created) to a first sale not seen yet: wait for that sale.
      trace.push(`${binding.reference} → first sale ${binding.orderId} not recorded yet → waiting for it`);
      return { outcome: 'waiting', waitingFor: orderSeenReference(binding.orderId) };
    }
    if (!affiliateId) {
      trace.push(`${binding?.reference ?? 'subscription'} → first sale ${binding?.orderId ?? '?'} has no conversion`);
      trace.push('→ unattributed');
      return { outcome: 'ignored', reason: 'unattributed' };
    }
  }
  if (!affiliateId) {
    if (!hints.clickId && !hints.visitorId) trace.push(`no visitor_id/click_id in ${hints.source}`);
    trace.push('→ unattributed');
    return { outcome: 'ignored', reason: 'unattributed' };
  }

  const affiliate = resolved.knownAffiliate?.id === affiliateId ? resolved.knownAffiliate : await findAffiliateInCampaign(trx, merchantId, affiliateId, campaign.id);
  if (!affiliate || affiliate.enrollment_status !== 'approved') {
    trace.push(`affiliate ${affiliateId} is ${affiliate?.enrollment_status ?? 'not enrolled'} in ${campaign.id} → affiliate_not_approved`);
    return { outcome: 'ignored', reason: 'affiliate_not_approved' };
  }
  return { outcome: 'attributed', campaign, cap, affiliate, clickId, visitorId };
}

interface ResolvedAttribution {
  campaign: Campaign;
  cap: EarningsCap;
  attribution: { attributed: true; affiliateId: string; clickId: string | null; visitorId: string | null } | { attributed: false };
  /** The affiliate with its standing in the campaign, when already read. */
  knownAffiliate?: Affiliate & { enrollment_status: string | null };
}

/** SPEC §8 step by step: the campaign (program, else click, else binding, else connection), then click → visitor. */
async function resolveAttributionOneByOne(
  context: ApplyContext,
  record: SaleRecord,
  binding: Awaited<ReturnType<typeof findBoundConversion>>,
  trace: string[],
): Promise<ResolvedAttribution | { outcome: 'ignored'; reason: 'unknown_campaign' }> {
  const { trx, merchantId } = context;
  const { hints } = record;
  // The click is read once: it may decide the campaign, and it attributes the sale.
  let click: Click | null | undefined;
  let found: { campaign: Campaign; cap: EarningsCap } | undefined;
  if (hints.programId) {
    found = await findCampaignWithCap(trx, merchantId, hints.programId);
    if (!found) {
      trace.push(`${hints.source} program_id=${hints.programId} → not a campaign of this merchant → unknown_campaign`);
      return { outcome: 'ignored', reason: 'unknown_campaign' };
    }
    trace.push(`${hints.source} program_id=${hints.programId} → campaign ${found.campaign.id}`);
  } else {
    if (hints.clickId) click = (await findClick(trx, merchantId, hints.clickId)) ?? null;
    const campaignId = click?.campaign_id ?? binding?.conversion?.campaign_id ?? context.defaultCampaignId;
    found = await findCampaignWithCap(trx, merchantId, campaignId);
    if (!found) throw new Error(`campaign ${campaignId} is missing`);
  }
  const attribution = await attributeSale(trx, {
    merchantId, campaign: found.campaign, saleTime: record.occurredAt, receivedAt: context.receivedAt, hintSource: hints.source,
    hints: { clickId: hints.clickId, visitorId: hints.visitorId, affiliateId: null },
    ...(click !== undefined ? { knownClick: click } : {}),
  });
  trace.push(...attribution.trace.filter((line) => line !== '→ unattributed' && !line.startsWith('no click_id')));
  return { ...found, attribution: attribution.attributed ? attribution : { attributed: false } };
}

/** Rule 3 for renewals: the conversion of the subscription's (or customer's) first sale. */
async function findBoundConversion(context: ApplyContext, record: SaleRecord): Promise<{ reference: string; orderId: string; conversion: Conversion | undefined } | null> {
  for (const reference of [record.subscriptionKey, record.customerKey]) {
    if (!reference) continue;
    const orderId = await resolveReference(context.trx, context.merchantId, reference);
    if (orderId) return { reference, orderId, conversion: await findConversionByOrder(context.trx, context.merchantId, orderId) };
  }
  return null;
}
