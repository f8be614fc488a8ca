/** @module `GET /r/:code`: the click redirect (SPEC §4). */
import { Router, type Request } from 'express';
import { findCampaign } from '../../db/repositories/campaign.repository.js';
import { findLinkByCode } from '../../db/repositories/link.repository.js';
import { isValidVisitorId, recordClick } from '../../engine/merchant-api/record-click.js';
import type { HubServices } from '../../hub-services.js';
import { hashPersonalData } from '../../lib/hashing.js';
import { newId } from '../../lib/ids.js';

const NOT_FOUND_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>Link not found</title></head>'
  + '<body><h1>Link not found</h1><p>This link does not exist or has been removed.</p></body></html>';

function firstQueryValue(req: Request, name: string): string | null {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value.slice(0, 255) : null;
}

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function redirectRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock, config } = services;

  router.get('/r/:code', async (req, res) => {
    const link = await findLinkByCode(db, req.params.code);
    const campaign = link ? await findCampaign(db, link.merchant_id, link.campaign_id) : undefined;
    if (!link || !campaign) {
      res.status(404).type('html').send(NOT_FOUND_PAGE);
      return;
    }
    // A returning visitor keeps their id, so later sales attribute to the latest click of the same person.
    // Only from the hub's own cookie, never from the query: a visitor id travels in landing URLs, and
    // whoever learned one could otherwise click their own link with it and take that visitor's sales.
    const fromCookie = cookieValue(req, 'hub_vid');
    let visitorId = isValidVisitorId(fromCookie) ? fromCookie : null;
    let clickId: string | null = null;
    // Over the per-IP budget the visitor is still sent on, but the click is not stored (SPEC §4).
    if (services.limiters.clicks.consume(`ip:${req.ip ?? 'unknown'}`).allowed) {
      const click = await recordClick(db, {
        merchantId: link.merchant_id,
        campaignId: link.campaign_id,
        affiliateId: link.affiliate_id,
        linkCode: link.code,
        visitorId,
        subIds: [firstQueryValue(req, 'sub_id'), firstQueryValue(req, 'sub_id_2'), firstQueryValue(req, 'sub_id_3')],
        ipHash: req.ip ? hashPersonalData(services.piiKey, req.ip) : null,
        at: clock.now(),
      });
      visitorId = click.visitor_id;
      clickId = click.id;
    }
    visitorId ??= newId('vis');
    const destination = new URL(link.destination_url);
    destination.searchParams.set('hub_vid', visitorId);
    if (clickId) destination.searchParams.set('hub_click', clickId);
    res.cookie('hub_vid', visitorId, {
      maxAge: campaign.cookie_window_days * 86_400_000,
      sameSite: 'lax',
      path: '/',
      httpOnly: true,
      secure: config.publicUrl.startsWith('https://'),
    });
    res.setHeader('Cache-Control', 'no-store');
    // The browser's own default instead of the hub's no-referrer: the merchant's analytics still see
    // which site (its origin only, never a path) sent the buyer through the link.
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.redirect(302, destination.toString());
  });

  return router;
}
