/** @module `/api/v1/links`: tracking links (SPEC §4). */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contract/errors.js';
import { findAffiliate, findEnrollment } from '../../db/repositories/affiliate.repository.js';
import { findCampaign } from '../../db/repositories/campaign.repository.js';
import { findLink, insertLinkIfCodeFree, listLinks } from '../../db/repositories/link.repository.js';
import type { HubServices } from '../../hub-services.js';
import { newId, randomBase62 } from '../../lib/ids.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentLink } from '../presenters/link.presenter.js';
import { sendData, sendList } from '../responses.js';
import { idField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow } from '../validation.js';

const destinationField = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048);

export const createBody = z.strictObject({
  campaignId: idField,
  affiliateId: idField,
  destinationUrl: destinationField,
  code: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'must be 3 to 64 letters, digits, "-" or "_"').optional(),
});

export const listQuery = z.strictObject({ campaignId: idField.optional(), affiliateId: idField.optional(), ...pageQueryFields });

export function linkRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock, config } = services;

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    const { merchantId } = merchantAuth(res);
    const link = await db.transaction().execute(async (trx) => {
      const campaign = await findCampaign(trx, merchantId, body.campaignId);
      if (!campaign) throw new NotFoundError('campaign');
      const affiliate = await findAffiliate(trx, merchantId, body.affiliateId);
      if (!affiliate) throw new NotFoundError('affiliate');
      if (!(await findEnrollment(trx, merchantId, affiliate.id, campaign.id))) {
        throw new ValidationError(`affiliate ${affiliate.id} is not enrolled in campaign ${campaign.id}`, [{ field: 'affiliateId', message: 'not enrolled in this campaign' }]);
      }
      const row = {
        merchant_id: merchantId, id: newId('lnk'), campaign_id: campaign.id, affiliate_id: affiliate.id,
        destination_url: body.destinationUrl, created_at: clock.now(),
      };
      if (body.code !== undefined) {
        const inserted = await insertLinkIfCodeFree(trx, { ...row, code: body.code });
        if (!inserted) throw new ValidationError(`link code "${body.code}" is already taken`, [{ field: 'code', message: 'is already taken' }]);
        return inserted;
      }
      // Ten random characters collide about never; the loop only makes "about" into "never".
      for (;;) {
        const inserted = await insertLinkIfCodeFree(trx, { ...row, code: randomBase62(10) });
        if (inserted) return inserted;
      }
    });
    sendData(res, 201, presentLink(link, config.publicUrl));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { rows, total } = await listLinks(db, merchantAuth(res).merchantId, { campaignId: query.campaignId, affiliateId: query.affiliateId }, page);
    sendList(res, rows.map((row) => presentLink(row, config.publicUrl)), page, total);
  });

  router.get('/:linkId', async (req, res) => {
    const link = await findLink(db, merchantAuth(res).merchantId, req.params.linkId);
    if (!link) throw new NotFoundError('link');
    sendData(res, 200, presentLink(link, config.publicUrl));
  });

  return router;
}
