/** @module `/admin/v1` in the OpenAPI document: merchants and their API keys (SPEC §3). */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { createKeyBody, createMerchantBody } from '../../routes/admin.routes.js';
import { apiKeySchema, createdApiKeySchema, createdMerchantSchema, merchantSchema } from '../../presenters/merchant.schema.js';
import { adminSecurity, dataResponse, errorResponses, json, noContent, pathIds } from '../operation-parts.js';

const tags = ['Admin'];
const security = adminSecurity;

export const adminPaths: ZodOpenApiPathsObject = {
  '/admin/v1/merchants': {
    post: {
      operationId: 'createMerchant', summary: 'Create a merchant and its two API keys (shown once)', tags, security,
      requestBody: { required: true, content: json(createMerchantBody) },
      responses: { 201: dataResponse(createdMerchantSchema, 'The merchant, with `apiKeys.write` and `apiKeys.read`.'), ...errorResponses(401, 415) },
    },
  },
  '/admin/v1/merchants/{merchantId}': {
    get: {
      operationId: 'getMerchant', summary: 'A merchant', tags, security,
      requestParams: { path: pathIds('merchantId') },
      responses: { 200: dataResponse(merchantSchema, 'The merchant.'), ...errorResponses(401, 404) },
    },
  },
  '/admin/v1/merchants/{merchantId}/api-keys': {
    get: {
      operationId: 'listApiKeys', summary: 'A merchant’s API keys (never the keys themselves)', tags, security,
      requestParams: { path: pathIds('merchantId') },
      responses: { 200: dataResponse(apiKeySchema.array(), 'Every key, revoked ones included.'), ...errorResponses(401, 404) },
    },
    post: {
      operationId: 'createApiKey', summary: 'Create an API key (shown once)', tags, security,
      requestParams: { path: pathIds('merchantId') },
      requestBody: { required: true, content: json(createKeyBody) },
      responses: { 201: dataResponse(createdApiKeySchema, 'The new key.'), ...errorResponses(401, 404, 415) },
    },
  },
  '/admin/v1/api-keys/{keyId}': {
    delete: {
      operationId: 'revokeApiKey', summary: 'Revoke an API key, effective at once', tags, security,
      requestParams: { path: pathIds('keyId') },
      responses: { 204: noContent, ...errorResponses(401, 404) },
    },
  },
};
