/** @module Merchant and API key as the admin API shows them. */
import type { ApiKey } from '../../db/tables/api-key.table.js';
import type { Merchant } from '../../db/tables/merchant.table.js';
import { minorToMajorNumber } from '../../lib/money.js';
import type { ApiKeyResponse, MerchantResponse } from './merchant.schema.js';

export function presentMerchant(merchant: Merchant): MerchantResponse {
  return {
    id: merchant.id,
    name: merchant.name,
    monthlyEarningsCap: merchant.monthly_earnings_cap === null ? null : minorToMajorNumber(merchant.monthly_earnings_cap, merchant.cap_currency),
    capCurrency: merchant.cap_currency,
    createdAt: merchant.created_at.toISOString(),
  };
}

export function presentApiKey(apiKey: ApiKey): ApiKeyResponse {
  return {
    id: apiKey.id,
    scope: apiKey.scope,
    prefix: apiKey.prefix,
    createdAt: apiKey.created_at.toISOString(),
    revokedAt: apiKey.revoked_at?.toISOString() ?? null,
  };
}
