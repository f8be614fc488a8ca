/** @module The Merchant and API key objects as the admin API returns them (SPEC §3). */
import { z } from 'zod';
import { hubId, money, timestamp } from './response-fields.js';

const scope = z.enum(['write', 'read']);

export const merchantSchema = z.strictObject({
  id: hubId('mer'),
  name: z.string(),
  monthlyEarningsCap: money.nullable(),
  capCurrency: z.string().length(3),
  createdAt: timestamp,
}).meta({ id: 'Merchant' });

/** The creation answer carries both API keys, shown this once. */
export const createdMerchantSchema = merchantSchema.extend({
  apiKeys: z.strictObject({ write: z.string().regex(/^hub_sk_/), read: z.string().regex(/^hub_rk_/) }),
}).meta({ id: 'CreatedMerchant' });

export const apiKeySchema = z.strictObject({
  id: hubId('key'),
  scope,
  prefix: z.string(),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
}).meta({ id: 'ApiKey' });

/** A new key: the key itself is shown this once. */
export const createdApiKeySchema = z.strictObject({ id: hubId('key'), key: z.string(), scope, prefix: z.string() }).meta({ id: 'CreatedApiKey' });

export type MerchantResponse = z.infer<typeof merchantSchema>;
export type ApiKeyResponse = z.infer<typeof apiKeySchema>;
