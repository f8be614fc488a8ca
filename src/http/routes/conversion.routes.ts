/** @module `/api/v1/conversions`: the server-to-server conversions API (SPEC §5). */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../contract/errors.js';
import { listConversions } from '../../db/repositories/conversion.repository.js';
import { changeConversionStatus } from '../../engine/merchant-api/conversion-status.js';
import { createDirectConversion } from '../../engine/merchant-api/create-direct-conversion.js';
import { attachLedgers, readConversion } from '../../engine/merchant-api/read-conversions.js';
import { createdOrThrowDuplicate } from '../../engine/merchant-api/record-conversion.js';
import { VISITOR_ID_PATTERN } from '../../engine/merchant-api/record-click.js';
import type { HubServices } from '../../hub-services.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentConversion } from '../../engine/outbound/conversion-view.js';
import { sendData, sendList } from '../responses.js';
import { amountField, emailField, currencyField, idField, instantField, metadataField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

export const orderIdField = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

export const createBody = z.strictObject({
  campaignId: idField,
  affiliateId: idField.optional(),
  clickId: idField.optional(),
  visitorId: z.string().regex(VISITOR_ID_PATTERN, 'must be 1 to 100 letters, digits or "_.:-"').optional(),
  amount: amountField,
  currency: currencyField.optional(),
  orderId: orderIdField,
  customerEmail: emailField.optional(),
  eventType: z.enum(['sale', 'lead', 'signup', 'trial']).optional(),
  metadata: metadataField.optional(),
}).refine((body) => body.affiliateId !== undefined || body.clickId !== undefined || body.visitorId !== undefined,
  { message: 'one of affiliateId, clickId or visitorId is required for attribution', path: ['affiliateId'] });

export const updateBody = z.strictObject({
  status: z.enum(['approved', 'rejected', 'paid'], { error: 'must be approved, rejected or paid' }),
  note: z.string().trim().min(1).max(500).optional(),
});

export const listQuery = z.strictObject({
  campaignId: idField.optional(),
  affiliateId: idField.optional(),
  status: z.enum(['pending', 'approved', 'paid', 'rejected', 'reversed']).optional(),
  source: z.enum(['api', 'postback', 'stripe', 'paddle', 'lemonsqueezy', 'gumroad', 'gopay', 'woocommerce']).optional(),
  dateFrom: instantField.optional(),
  dateTo: instantField.optional(),
  ...pageQueryFields,
});

export function conversionRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock } = services;

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    const { merchantId } = merchantAuth(res);
    const now = clock.now();
    const view = await db.transaction().execute(async (trx) => {
      const result = await createDirectConversion(trx, {
        merchantId,
        source: 'api',
        campaignId: body.campaignId,
        affiliateId: body.affiliateId ?? null,
        clickId: body.clickId ?? null,
        visitorId: body.visitorId ?? null,
        amount: body.amount,
        currency: body.currency ?? null,
        orderId: body.orderId,
        eventType: body.eventType ?? 'sale',
        metadata: body.metadata ?? {},
        customerEmail: body.customerEmail ?? null,
        customerId: null,
        fieldNames: { amount: 'amount', clickId: 'clickId', visitorId: 'visitorId', affiliateId: 'affiliateId' },
      }, services.piiKey, now);
      const { conversion, adjustments } = createdOrThrowDuplicate(result, body.orderId);
      return presentConversion(conversion, adjustments);
    });
    sendData(res, 201, view);
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { merchantId } = merchantAuth(res);
    const { rows, total } = await listConversions(db, merchantId, query, page);
    const withLedgers = await attachLedgers(db, merchantId, rows);
    sendList(res, withLedgers.map(({ conversion, adjustments }) => presentConversion(conversion, adjustments)), page, total);
  });

  router.get('/:conversionId', async (req, res) => {
    const found = await readConversion(db, merchantAuth(res).merchantId, req.params.conversionId);
    if (!found) throw new NotFoundError('conversion');
    sendData(res, 200, presentConversion(found.conversion, found.adjustments));
  });

  router.patch('/:conversionId', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(updateBody, req.body);
    const { merchantId } = merchantAuth(res);
    const conversionId = pathParameter(req, 'conversionId');
    const view = await db.transaction().execute(async (trx) => {
      await changeConversionStatus(trx, { merchantId, conversionId, status: body.status, note: body.note ?? null }, clock.now());
      const found = await readConversion(trx, merchantId, conversionId);
      if (!found) throw new NotFoundError('conversion');
      return presentConversion(found.conversion, found.adjustments);
    });
    sendData(res, 200, view);
  });

  return router;
}
