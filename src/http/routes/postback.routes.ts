/**
 * @module `/api/postback/:campaignId`: the server-to-server postback (SPEC §10). Parameters are
 * snake_case, from the query string and/or a JSON or form body, like every postback template in the field.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { HubError, NotFoundError, ValidationError } from '../../contract/errors.js';
import { findConversion } from '../../db/repositories/conversion.repository.js';
import { createDirectConversion } from '../../engine/merchant-api/create-direct-conversion.js';
import { VISITOR_ID_PATTERN } from '../../engine/merchant-api/record-click.js';
import type { HubServices } from '../../hub-services.js';
import { hasIdShape } from '../../lib/ids.js';
import { authenticateApiKey, merchantAuth, presentedApiKey, setMerchantAuth, unauthorized } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { applyRateLimit } from '../middleware/rate-limit.js';
import { amountField, currencyField, idField } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';
import { orderIdField } from './conversion.routes.js';

export const postbackParameters = z.strictObject({
  order_id: orderIdField,
  amount: amountField,
  click_id: idField.optional(),
  visitor_id: z.string().regex(VISITOR_ID_PATTERN, 'must be 1 to 100 letters, digits or "_.:-"').optional(),
  currency: currencyField.optional(),
  customer_id: z.string().min(1).max(255).optional(),
  sub_id: z.string().max(255).optional(),
  api_key: z.string().optional(),
}).refine((parameters) => parameters.click_id !== undefined || parameters.visitor_id !== undefined,
  { message: 'click_id or visitor_id is required', path: ['click_id'] });

/** Query parameters and body parameters together; the same name in both must not disagree. */
function collectParameters(req: Request): Record<string, unknown> {
  const query = req.query as Record<string, unknown>;
  const body: unknown = req.body;
  if (body === undefined) return { ...query };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the postback body must be a JSON object or a form', [{ field: 'body', message: 'must be an object' }]);
  }
  for (const [name, value] of Object.entries(body)) {
    if (name in query && query[name] !== value) {
      throw new ValidationError(`${name} is given twice with different values`, [{ field: name, message: 'query and body disagree' }]);
    }
  }
  return { ...query, ...body };
}

/**
 * Who is calling, and how often, before anything of the body is read: a key from the headers or
 * `?api_key=`; failures are counted per IP alone (so changing the campaign in the path buys no fresh
 * budget for guessing keys), and only a well-formed campaign id ever becomes part of a limiter key.
 */
function postbackGate(services: HubServices): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') throw new HubError('not_found', `no route for ${req.method} /api/postback/:campaignId`);
    const ip = req.ip ?? 'unknown';
    const auth = await authenticateApiKey(services, presentedApiKey(req, { allowQueryParameter: true }));
    if (!auth || auth.scope !== 'write') {
      applyRateLimit(res, services.limiters.postback.consume(`ip:${ip}`));
      if (!auth) throw unauthorized();
      throw new HubError('insufficient_permissions', 'the postback needs a write key (hub_sk_…)');
    }
    const campaignId = pathParameter(req, 'campaignId');
    if (!hasIdShape(campaignId, 'camp')) throw new NotFoundError('campaign');
    applyRateLimit(res, services.limiters.postback.consume(`ip:${ip}|${campaignId}`));
    setMerchantAuth(res, auth);
    next();
  };
}

export function postbackRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock } = services;

  router.all('/:campaignId', postbackGate(services), jsonBody({ alsoAcceptForm: true }), async (req, res) => {
    const campaignId = pathParameter(req, 'campaignId');
    const auth = merchantAuth(res);
    const parameters = parseOrThrow(postbackParameters, collectParameters(req), 'postback parameters');
    const now = clock.now();
    const answer = await db.transaction().execute(async (trx) => {
      const result = await createDirectConversion(trx, {
        merchantId: auth.merchantId,
        source: 'postback',
        campaignId,
        affiliateId: null,
        clickId: parameters.click_id ?? null,
        visitorId: parameters.visitor_id ?? null,
        amount: parameters.amount,
        currency: parameters.currency ?? null,
        orderId: parameters.order_id,
        eventType: 'sale',
        metadata: parameters.sub_id !== undefined ? { sub_id: parameters.sub_id } : {},
        customerEmail: null,
        customerId: parameters.customer_id ?? null,
        fieldNames: { amount: 'amount', clickId: 'click_id', visitorId: 'visitor_id', affiliateId: 'click_id' },
      }, services.piiKey, now);
      if (result.outcome === 'created') return { success: true, conversion_id: result.conversion.id, status: result.conversion.status };
      const existing = await findConversion(trx, auth.merchantId, result.conversionId);
      return { success: true, conversion_id: result.conversionId, status: existing?.status ?? 'pending', duplicate: true };
    });
    res.status(200).json(answer);
  });

  return router;
}
