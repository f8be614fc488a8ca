/**
 * @module Conversions reported directly by the merchant: the conversions API and the postback.
 * Both validate the same way and differ only in how they answer a duplicate.
 */
import { HubError, NotFoundError, ValidationError } from '../../contract/errors.js';
import type { Executor } from '../../db/database.js';
import { findAffiliateInCampaign } from '../../db/repositories/affiliate.repository.js';
import { findCampaignWithCap } from '../../db/repositories/campaign.repository.js';
import { findConversionByOrder } from '../../db/repositories/conversion.repository.js';
import type { ConversionEventType } from '../../db/tables/conversion.table.js';
import { hashPersonalData } from '../../lib/hashing.js';
import { parseMajorAmount } from '../../lib/money.js';
import { attributeSale } from '../process/decide/attribute.js';
import { decideWithState } from '../process/load-state.js';
import { emitConversionEvent } from '../outbound/conversion-events.js';
import { recordConversion, type RecordResult } from './record-conversion.js';

export interface DirectConversionRequest {
  merchantId: string;
  source: 'api' | 'postback';
  campaignId: string;
  affiliateId: string | null;
  clickId: string | null;
  visitorId: string | null;
  /** Major units, number or decimal string; validated against the (possibly defaulted) currency. */
  amount: unknown;
  /** Already normalized; null = the campaign's currency. */
  currency: string | null;
  orderId: string;
  eventType: ConversionEventType;
  metadata: Record<string, unknown>;
  customerEmail: string | null;
  customerId: string | null;
  /** Field names as the caller spells them, for error details (camelCase API, snake_case postback). */
  fieldNames: { amount: string; clickId: string; visitorId: string; affiliateId: string };
}

/** Must run inside a transaction. An order already recorded comes back as `duplicate`, untouched. */
export async function createDirectConversion(trx: Executor, request: DirectConversionRequest, piiKey: Buffer, now: Date): Promise<RecordResult> {
  // A request that could never be valid (another merchant's campaign, a malformed amount) is refused
  // even for a known order id: a retry is the same request, so it passes these checks as it did then.
  const found = await findCampaignWithCap(trx, request.merchantId, request.campaignId);
  if (!found) throw new NotFoundError('campaign');
  const { campaign, cap } = found;
  const currency = request.currency ?? campaign.currency;
  const amount = parseMajorAmount(request.amount, currency);
  if (!amount.ok) throw new ValidationError(`${request.fieldNames.amount} ${amount.message}`, [{ field: request.fieldNames.amount, message: amount.message }]);

  // Then idempotent retries: a known order id is "already synced", whatever changed since (a click
  // that aged out of the cookie window, an affiliate no longer approved).
  const existing = await findConversionByOrder(trx, request.merchantId, request.orderId);
  if (existing) return { outcome: 'duplicate', conversionId: existing.id };

  const attribution = await decideWithState(trx, (view) => attributeSale(view, {
    merchantId: request.merchantId,
    campaign,
    hints: { clickId: request.clickId, visitorId: request.visitorId, affiliateId: request.affiliateId },
    saleTime: now,
    receivedAt: now,
    hintSource: 'request',
  }));
  // A click id that does not exist is a client error even when another hint would attribute the sale.
  if (!attribution.attributed || attribution.problems.includes('unknown_click')) {
    throw attributionError(attribution.problems, request, campaign.cookie_window_days);
  }
  const affiliate = await findAffiliateInCampaign(trx, request.merchantId, attribution.affiliateId, campaign.id);
  if (!affiliate) throw new NotFoundError('affiliate');
  if (affiliate.enrollment_status !== 'approved') {
    throw new HubError('affiliate_not_approved', affiliate.enrollment_status
      ? `affiliate ${affiliate.id} is ${affiliate.enrollment_status} in campaign ${campaign.id}`
      : `affiliate ${affiliate.id} is not enrolled in campaign ${campaign.id}`);
  }

  const customerEmailHash = request.customerEmail ? hashPersonalData(piiKey, request.customerEmail) : null;
  const result = await recordConversion(trx, {
    merchantId: request.merchantId,
    campaign,
    cap,
    affiliate,
    clickId: attribution.clickId,
    visitorId: attribution.visitorId,
    source: request.source,
    orderId: request.orderId,
    conversionType: 'one_time',
    eventType: request.eventType,
    currency,
    amounts: { gross: amount.minor, tax: 0, shipping: 0, discount: 0 },
    occurredAt: now,
    metadata: request.metadata,
    customerHash: customerEmailHash ?? (request.customerId ? hashPersonalData(piiKey, request.customerId) : null),
    customerEmailHash,
    subscriptionId: null,
    amountsPrecedence: 0,
    whenOverCap: 'refuse',
  }, now);
  if (result.outcome === 'created') await emitConversionEvent(trx, 'conversion.created', result.conversion, now, result.adjustments);
  return result;
}

function attributionError(problems: readonly string[], request: DirectConversionRequest, cookieWindowDays: number): HubError {
  const names = request.fieldNames;
  if (problems.includes('unknown_click')) return new NotFoundError('click');
  if (problems.includes('unknown_affiliate')) return new NotFoundError('affiliate');
  if (problems.includes('click_in_other_campaign')) {
    return new ValidationError(`${names.clickId} belongs to another campaign`, [{ field: names.clickId, message: 'belongs to another campaign' }]);
  }
  if (problems.includes('no_click_in_window')) {
    const message = `no click by this visitor in the campaign within the ${cookieWindowDays}-day cookie window`;
    return new ValidationError(`${names.visitorId}: ${message}`, [{ field: names.visitorId, message }]);
  }
  const message = `one of ${names.affiliateId}, ${names.clickId} or ${names.visitorId} is required`;
  return new ValidationError(message, [{ field: names.affiliateId, message }]);
}
