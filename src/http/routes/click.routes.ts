/** @module `/api/v1/clicks`: server-side click recording (SPEC §4). */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contract/errors.js';
import { findAffiliate, findEnrollment } from '../../db/repositories/affiliate.repository.js';
import { findCampaign } from '../../db/repositories/campaign.repository.js';
import { findClick, listClicks } from '../../db/repositories/click.repository.js';
import { findLinkByCode } from '../../db/repositories/link.repository.js';
import { VISITOR_ID_PATTERN, recordClick } from '../../engine/merchant-api/record-click.js';
import type { HubServices } from '../../hub-services.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentClick } from '../presenters/link.presenter.js';
import { sendData, sendList } from '../responses.js';
import { idField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow } from '../validation.js';

const visitorField = z.string().regex(VISITOR_ID_PATTERN, 'must be 1 to 100 letters, digits or "_.:-"');

export const createBody = z.strictObject({
  code: z.string().min(1).max(64).optional(),
  campaignId: idField.optional(),
  affiliateId: idField.optional(),
  visitorId: visitorField.optional(),
  subIds: z.array(z.string().max(255)).max(3, 'at most 3 sub ids').optional(),
}).refine((body) => (body.code !== undefined) !== (body.campaignId !== undefined || body.affiliateId !== undefined),
  { message: 'send either code, or campaignId with affiliateId', path: ['code'] })
  .refine((body) => body.code !== undefined || (body.campaignId !== undefined && body.affiliateId !== undefined),
    { message: 'campaignId and affiliateId go together', path: ['affiliateId'] });

export const listQuery = z.strictObject({ campaignId: idField.optional(), affiliateId: idField.optional(), visitorId: visitorField.optional(), ...pageQueryFields });

export function clickRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock } = services;

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    const { merchantId } = merchantAuth(res);
    const click = await db.transaction().execute(async (trx) => {
      let campaignId: string;
      let affiliateId: string;
      let linkCode: string | null = null;
      if (body.code !== undefined) {
        const link = await findLinkByCode(trx, body.code);
        if (!link || link.merchant_id !== merchantId) throw new NotFoundError('link');
        ({ campaign_id: campaignId, affiliate_id: affiliateId, code: linkCode } = link);
      } else {
        const campaign = await findCampaign(trx, merchantId, body.campaignId ?? '');
        if (!campaign) throw new NotFoundError('campaign');
        const affiliate = await findAffiliate(trx, merchantId, body.affiliateId ?? '');
        if (!affiliate) throw new NotFoundError('affiliate');
        if (!(await findEnrollment(trx, merchantId, affiliate.id, campaign.id))) {
          throw new ValidationError(`affiliate ${affiliate.id} is not enrolled in campaign ${campaign.id}`, [{ field: 'affiliateId', message: 'not enrolled in this campaign' }]);
        }
        campaignId = campaign.id;
        affiliateId = affiliate.id;
      }
      return recordClick(trx, {
        merchantId, campaignId, affiliateId, linkCode, visitorId: body.visitorId ?? null,
        subIds: body.subIds ?? [], ipHash: null, at: clock.now(),
      });
    });
    sendData(res, 201, presentClick(click));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { rows, total } = await listClicks(db, merchantAuth(res).merchantId, query, page);
    sendList(res, rows.map(presentClick), page, total);
  });

  router.get('/:clickId', async (req, res) => {
    const click = await findClick(db, merchantAuth(res).merchantId, req.params.clickId);
    if (!click) throw new NotFoundError('click');
    sendData(res, 200, presentClick(click));
  });

  return router;
}
