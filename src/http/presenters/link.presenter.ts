/** @module Links and clicks as the API shows them. */
import type { Click } from '../../db/tables/click.table.js';
import type { Link } from '../../db/tables/link.table.js';
import type { ClickResponse, LinkResponse } from './link.schema.js';

export function linkUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/r/${encodeURIComponent(code)}`;
}

export function presentLink(link: Link, publicUrl: string): LinkResponse {
  return {
    id: link.id,
    code: link.code,
    url: linkUrl(publicUrl, link.code),
    campaignId: link.campaign_id,
    affiliateId: link.affiliate_id,
    destinationUrl: link.destination_url,
    createdAt: link.created_at.toISOString(),
  };
}

export function presentClick(click: Click): ClickResponse {
  return {
    id: click.id,
    clickId: click.id,
    visitorId: click.visitor_id,
    campaignId: click.campaign_id,
    affiliateId: click.affiliate_id,
    linkCode: click.link_code,
    subIds: [click.sub_id, click.sub_id_2, click.sub_id_3].filter((value): value is string => value !== null),
    createdAt: click.created_at.toISOString(),
  };
}
