/** @module `/admin/v1`: merchants and their API keys (SPEC §3). */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contract/errors.js';
import { insertApiKey, listApiKeys, revokeApiKey } from '../../db/repositories/api-key.repository.js';
import { findMerchant, insertMerchant } from '../../db/repositories/merchant.repository.js';
import type { ApiKeyScope } from '../../db/tables/api-key.table.js';
import type { HubServices } from '../../hub-services.js';
import { generateApiKey } from '../../lib/api-keys.js';
import { newId } from '../../lib/ids.js';
import { parseMajorAmount } from '../../lib/money.js';
import { requireAdmin } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { presentApiKey, presentMerchant } from '../presenters/merchant.presenter.js';
import { sendData } from '../responses.js';
import { amountField, currencyField, nameField } from '../schemas.js';
import { parseOrThrow } from '../validation.js';

export const createMerchantBody = z.strictObject({
  name: nameField,
  monthlyEarningsCap: amountField.nullable().optional(),
  capCurrency: currencyField.optional(),
});

export const createKeyBody = z.strictObject({ scope: z.enum(['write', 'read']) });

export function adminRoutes(services: HubServices): Router {
  const router = Router();
  router.use(requireAdmin(services), jsonBody());

  router.post('/merchants', async (req, res) => {
    const body = parseOrThrow(createMerchantBody, req.body);
    const capCurrency = body.capCurrency ?? 'USD';
    let cap: number | null = null;
    if (body.monthlyEarningsCap !== undefined && body.monthlyEarningsCap !== null) {
      const parsed = parseMajorAmount(body.monthlyEarningsCap, capCurrency);
      if (!parsed.ok) throw new ValidationError(`monthlyEarningsCap ${parsed.message}`, [{ field: 'monthlyEarningsCap', message: parsed.message }]);
      cap = parsed.minor;
    }
    const write = generateApiKey('write');
    const read = generateApiKey('read');
    const merchant = await services.db.transaction().execute(async (trx) => {
      const created = await insertMerchant(trx, { id: newId('mer'), name: body.name, monthly_earnings_cap: cap, cap_currency: capCurrency, created_at: services.clock.now() });
      for (const [scope, generated] of [['write', write], ['read', read]] as const) {
        await insertApiKey(trx, { id: newId('key'), merchant_id: created.id, scope, key_hash: generated.hash, prefix: generated.prefix, revoked_at: null, created_at: services.clock.now() });
      }
      return created;
    });
    sendData(res, 201, { ...presentMerchant(merchant), apiKeys: { write: write.key, read: read.key } });
  });

  router.get('/merchants/:merchantId', async (req, res) => {
    const merchant = await findMerchant(services.db, req.params.merchantId);
    if (!merchant) throw new NotFoundError('merchant');
    sendData(res, 200, presentMerchant(merchant));
  });

  router.get('/merchants/:merchantId/api-keys', async (req, res) => {
    const merchant = await findMerchant(services.db, req.params.merchantId);
    if (!merchant) throw new NotFoundError('merchant');
    sendData(res, 200, (await listApiKeys(services.db, merchant.id)).map(presentApiKey));
  });

  router.post('/merchants/:merchantId/api-keys', async (req, res) => {
    const body = parseOrThrow(createKeyBody, req.body);
    const merchant = await findMerchant(services.db, req.params.merchantId);
    if (!merchant) throw new NotFoundError('merchant');
    const scope: ApiKeyScope = body.scope;
    const generated = generateApiKey(scope);
    const apiKey = await insertApiKey(services.db, {
      id: newId('key'), merchant_id: merchant.id, scope, key_hash: generated.hash, prefix: generated.prefix, revoked_at: null, created_at: services.clock.now(),
    });
    sendData(res, 201, { id: apiKey.id, key: generated.key, scope: apiKey.scope, prefix: apiKey.prefix });
  });

  router.delete('/api-keys/:keyId', async (req, res) => {
    const revoked = await revokeApiKey(services.db, req.params.keyId, services.clock.now());
    if (!revoked) throw new NotFoundError('API key');
    res.status(204).end();
  });

  return router;
}
