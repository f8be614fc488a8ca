/** @module Affiliate as the API shows it: enrollments, never the email. */
import type { Affiliate } from '../../db/tables/affiliate.table.js';
import type { Enrollment } from '../../db/tables/enrollment.table.js';
import type { AffiliateResponse } from './affiliate.schema.js';

export function presentAffiliate(affiliate: Affiliate, enrollments: readonly Enrollment[]): AffiliateResponse {
  return {
    id: affiliate.id,
    name: affiliate.name,
    enrollments: enrollments
      .filter((enrollment) => enrollment.affiliate_id === affiliate.id)
      .map((enrollment) => ({ campaignId: enrollment.campaign_id, status: enrollment.status, updatedAt: enrollment.updated_at.toISOString() })),
    createdAt: affiliate.created_at.toISOString(),
    updatedAt: affiliate.updated_at.toISOString(),
  };
}
