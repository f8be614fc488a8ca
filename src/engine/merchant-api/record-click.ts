/** @module Recording a click, from the redirect or from the clicks API. */
import type { Executor } from '../../db/database.js';
import { insertClick } from '../../db/repositories/click.repository.js';
import type { Click } from '../../db/tables/click.table.js';
import { newId } from '../../lib/ids.js';

/** Visitor ids come back to us from cookies and URLs: only plain, short tokens are accepted. */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;

export function isValidVisitorId(value: unknown): value is string {
  return typeof value === 'string' && VISITOR_ID_PATTERN.test(value);
}

export interface ClickInput {
  merchantId: string;
  campaignId: string;
  affiliateId: string;
  linkCode: string | null;
  /** An existing visitor id to keep, or null to start a new visitor. */
  visitorId: string | null;
  subIds: readonly (string | null | undefined)[];
  ipHash: string | null;
  at: Date;
}

export async function recordClick(db: Executor, input: ClickInput): Promise<Click> {
  const [subId = null, subId2 = null, subId3 = null] = input.subIds;
  return insertClick(db, {
    merchant_id: input.merchantId,
    id: newId('clk'),
    campaign_id: input.campaignId,
    affiliate_id: input.affiliateId,
    link_code: input.linkCode,
    visitor_id: input.visitorId ?? newId('vis'),
    sub_id: subId,
    sub_id_2: subId2,
    sub_id_3: subId3,
    ip_hash: input.ipHash,
    created_at: input.at,
  });
}
