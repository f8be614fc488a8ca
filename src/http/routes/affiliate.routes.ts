/** @module `/api/v1/affiliates`: affiliates and their enrollment in campaigns (SPEC §4). */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contract/errors.js';
import {
  findAffiliate,
  insertAffiliate,
  listAffiliates,
  listEnrollments,
  updateAffiliate,
  upsertEnrollment,
} from '../../db/repositories/affiliate.repository.js';
import { findCampaign } from '../../db/repositories/campaign.repository.js';
import type { HubServices } from '../../hub-services.js';
import { hashPersonalData } from '../../lib/hashing.js';
import { newId } from '../../lib/ids.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentAffiliate } from '../presenters/affiliate.presenter.js';
import { sendData, sendList } from '../responses.js';
import { emailField, idField, nameField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

const statusField = z.enum(['approved', 'pending', 'rejected']);

export const createBody = z.strictObject({
  name: nameField,
  email: emailField,
  campaignId: idField,
  status: statusField.optional(),
});

export const updateBody = z.strictObject({ name: nameField.optional(), campaignId: idField.optional(), status: statusField.optional() })
  .refine((body) => (body.campaignId === undefined) === (body.status === undefined), { message: 'campaignId and status go together', path: ['status'] })
  .refine((body) => body.name !== undefined || body.campaignId !== undefined, { message: 'nothing to change: send name, or campaignId with status', path: ['body'] });

export const listQuery = z.strictObject({ campaignId: idField.optional(), ...pageQueryFields });

export function affiliateRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock } = services;

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    const { merchantId } = merchantAuth(res);
    const now = clock.now();
    const created = await db.transaction().execute(async (trx) => {
      const campaign = await findCampaign(trx, merchantId, body.campaignId);
      if (!campaign) throw new NotFoundError('campaign');
      const affiliate = await insertAffiliate(trx, {
        merchant_id: merchantId, id: newId('aff'), name: body.name,
        email_hash: hashPersonalData(services.piiKey, body.email), created_at: now, updated_at: now,
      });
      const enrollment = await upsertEnrollment(trx, { merchantId, affiliateId: affiliate.id, campaignId: campaign.id, status: body.status ?? 'approved', at: now });
      // The enrollment this request made, at the top level too: the client sent campaignId and status.
      return { ...presentAffiliate(affiliate, [enrollment]), campaignId: enrollment.campaign_id, status: enrollment.status };
    });
    sendData(res, 201, created);
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { merchantId } = merchantAuth(res);
    const { rows, total } = await listAffiliates(db, merchantId, { campaignId: query.campaignId }, page);
    const enrollments = await listEnrollments(db, merchantId, rows.map((row) => row.id));
    sendList(res, rows.map((row) => presentAffiliate(row, enrollments)), page, total);
  });

  router.get('/:affiliateId', async (req, res) => {
    const { merchantId } = merchantAuth(res);
    const affiliate = await findAffiliate(db, merchantId, req.params.affiliateId);
    if (!affiliate) throw new NotFoundError('affiliate');
    sendData(res, 200, presentAffiliate(affiliate, await listEnrollments(db, merchantId, [affiliate.id])));
  });

  router.patch('/:affiliateId', requireWriteScope, async (req, res) => {
    if (req.body && typeof req.body === 'object' && 'email' in req.body) {
      throw new ValidationError('email cannot be changed; it is kept only as a hash', [{ field: 'email', message: 'cannot be changed' }]);
    }
    const body = parseOrThrow(updateBody, req.body);
    const { merchantId } = merchantAuth(res);
    const now = clock.now();
    const affiliateId = pathParameter(req, 'affiliateId');
    const updated = await db.transaction().execute(async (trx) => {
      const affiliate = await findAffiliate(trx, merchantId, affiliateId);
      if (!affiliate) throw new NotFoundError('affiliate');
      if (body.campaignId !== undefined && body.status !== undefined) {
        const campaign = await findCampaign(trx, merchantId, body.campaignId);
        if (!campaign) throw new NotFoundError('campaign');
        await upsertEnrollment(trx, { merchantId, affiliateId: affiliate.id, campaignId: campaign.id, status: body.status, at: now });
      }
      const row = await updateAffiliate(trx, merchantId, affiliate.id, { updated_at: now, ...(body.name !== undefined ? { name: body.name } : {}) });
      if (!row) throw new NotFoundError('affiliate');
      return presentAffiliate(row, await listEnrollments(trx, merchantId, [row.id]));
    });
    sendData(res, 200, updated);
  });

  return router;
}
