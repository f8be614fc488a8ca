/**
 * @module Attribution (SPEC §8), decided over the batch's view: which affiliate a sale belongs to,
 * first match wins — the click named, else the visitor's latest click in the window, else (API and
 * postback only) the affiliate named — with a trace that says in words how it was decided.
 */
import type { Campaign } from '../../../db/tables/campaign.table.js';
import type { Click } from '../../../db/tables/click.table.js';
import { addDays } from '../../ledger/calendar.js';
import type { BatchView } from '../batch-view.js';

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

export interface AttributionInput {
  merchantId: string;
  campaign: Campaign;
  hints: AttributionHints;
  /** When the sale happened, as reported. */
  saleTime: Date;
  /** When the hub received the delivery; null when there is none (an import). */
  receivedAt: Date | null;
  /** Where the hints were read, for the trace. */
  hintSource: string;
}

/**
 * Rule 2's window: clicks from the cookie window before the sale, and — because processors' and
 * stores' clocks run behind and truncate — up to the campaign's clock-skew allowance after the sale
 * time they report, but never after the hub received the delivery (a later click cannot have led to
 * the sale). A sale with no delivery time has the allowance alone.
 */
export function visitorClickWindow(campaign: Pick<Campaign, 'cookie_window_days' | 'clock_skew_minutes'>, saleTime: Date, receivedAt: Date | null): { from: Date; until: Date } {
  const allowed = saleTime.getTime() + campaign.clock_skew_minutes * 60_000;
  return { from: addDays(saleTime, -campaign.cookie_window_days), until: new Date(receivedAt ? Math.min(allowed, receivedAt.getTime()) : allowed) };
}

function skewNote(click: Pick<Click, 'created_at'>, saleTime: Date, campaign: Pick<Campaign, 'clock_skew_minutes'>): string {
  const after = click.created_at.getTime() - saleTime.getTime();
  if (after <= 0) return '';
  const seconds = Math.round(after / 1000);
  const shown = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  return ` (recorded ${shown} after the reported sale time, before the delivery arrived: within the ${campaign.clock_skew_minutes}-minute clock-skew allowance)`;
}

export function attributeSale(view: BatchView, input: AttributionInput): AttributionOutcome {
  const { merchantId, campaign, hints, saleTime, hintSource: source } = input;
  const trace: string[] = [];
  const problems: AttributionProblem[] = [];

  if (hints.clickId) {
    const click = view.click({ merchantId, clickId: hints.clickId, programId: null })?.click;
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
    const window = visitorClickWindow(campaign, saleTime, input.receivedAt);
    const click = view.latestVisitorClick({ merchantId, visitorId: hints.visitorId, campaignId: campaign.id, ...window });
    if (click) {
      trace.push(`${source} visitor_id=${hints.visitorId} → latest click ${click.id} within ${campaign.cookie_window_days} days${skewNote(click, saleTime, campaign)} → affiliate ${click.affiliate_id} in ${campaign.id}`);
      return { attributed: true, affiliateId: click.affiliate_id, clickId: click.id, visitorId: hints.visitorId, trace, problems };
    }
    trace.push(`${source} visitor_id=${hints.visitorId} → no click in ${campaign.id} within the ${campaign.cookie_window_days}-day cookie window before the sale`);
    problems.push('no_click_in_window');
  }

  if (hints.affiliateId) {
    if (view.affiliate(merchantId, hints.affiliateId, campaign.id)) {
      trace.push(`${source} affiliateId=${hints.affiliateId} → affiliate ${hints.affiliateId} in ${campaign.id}`);
      return { attributed: true, affiliateId: hints.affiliateId, clickId: null, visitorId: hints.visitorId, trace, problems };
    }
    trace.push(`${source} affiliateId=${hints.affiliateId} → no such affiliate`);
    problems.push('unknown_affiliate');
  }

  if (!hints.clickId && !hints.visitorId && !hints.affiliateId) trace.push(`no click_id, visitor_id or affiliate in the ${source}`);
  trace.push('→ unattributed');
  return { attributed: false, problems, trace };
}
