/**
 * @module Attribution (SPEC §8): which affiliate a sale belongs to, first match wins, with a trace
 * that says in words how the decision was reached.
 */
import type { Executor } from '../db/database.js';
import { findAffiliate } from '../db/repositories/affiliate.repository.js';
import { findClick, findLatestVisitorClick } from '../db/repositories/click.repository.js';
import type { Campaign } from '../db/tables/campaign.table.js';
import type { Click } from '../db/tables/click.table.js';
import { addDays } from './calendar.js';

export interface AttributionHints {
  clickId: string | null;
  visitorId: string | null;
  /** Explicit affiliate (API and postback only). */
  affiliateId: string | null;
}

export type AttributionProblem = 'unknown_click' | 'click_in_other_campaign' | 'no_click_in_window' | 'unknown_affiliate';

export type AttributionOutcome =
  | { attributed: true; affiliateId: string; clickId: string | null; visitorId: string | null; trace: string[]; problems: AttributionProblem[] }
  | { attributed: false; problems: AttributionProblem[]; trace: string[] };

export async function attributeSale(
  db: Executor,
  input: { merchantId: string; campaign: Campaign; hints: AttributionHints; saleTime: Date; hintSource?: string; knownClick?: Click | null },
): Promise<AttributionOutcome> {
  const { merchantId, campaign, hints, saleTime } = input;
  const source = input.hintSource ?? 'request';
  const trace: string[] = [];
  const problems: AttributionProblem[] = [];

  if (hints.clickId) {
    const click = input.knownClick !== undefined ? input.knownClick : await findClick(db, merchantId, hints.clickId);
    if (!click) {
      trace.push(`${source} click_id=${hints.clickId} → no such click`);
      problems.push('unknown_click');
    } else if (click.campaign_id !== campaign.id) {
      trace.push(`${source} click_id=${click.id} → click belongs to ${click.campaign_id}, not ${campaign.id}`);
      problems.push('click_in_other_campaign');
    } else {
      trace.push(`${source} click_id=${click.id} → click ${click.id} → affiliate ${click.affiliate_id} in ${campaign.id}`);
      return { attributed: true, affiliateId: click.affiliate_id, clickId: click.id, visitorId: hints.visitorId ?? click.visitor_id, trace, problems };
    }
  }

  if (hints.visitorId) {
    const click = await findLatestVisitorClick(db, {
      merchantId,
      visitorId: hints.visitorId,
      campaignId: campaign.id,
      from: addDays(saleTime, -campaign.cookie_window_days),
      until: saleTime,
    });
    if (click) {
      trace.push(`${source} visitor_id=${hints.visitorId} → latest click ${click.id} within ${campaign.cookie_window_days} days → affiliate ${click.affiliate_id} in ${campaign.id}`);
      return { attributed: true, affiliateId: click.affiliate_id, clickId: click.id, visitorId: hints.visitorId, trace, problems };
    }
    trace.push(`${source} visitor_id=${hints.visitorId} → no click in ${campaign.id} within the ${campaign.cookie_window_days}-day cookie window before the sale`);
    problems.push('no_click_in_window');
  }

  if (hints.affiliateId) {
    const affiliate = await findAffiliate(db, merchantId, hints.affiliateId);
    if (affiliate) {
      trace.push(`${source} affiliateId=${affiliate.id} → affiliate ${affiliate.id} in ${campaign.id}`);
      return { attributed: true, affiliateId: affiliate.id, clickId: null, visitorId: hints.visitorId, trace, problems };
    }
    trace.push(`${source} affiliateId=${hints.affiliateId} → no such affiliate`);
    problems.push('unknown_affiliate');
  }

  if (!hints.clickId && !hints.visitorId && !hints.affiliateId) trace.push(`no click_id, visitor_id or affiliate in the ${source}`);
  trace.push('→ unattributed');
  return { attributed: false, problems, trace };
}
