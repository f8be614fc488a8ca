/** @module `/api/v1/conversions` in the OpenAPI document (SPEC §5). */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { conversionSchema } from '../../presenters/conversion.schema.js';
import { createBody, listQuery, updateBody } from '../../routes/conversion.routes.js';
import { dataResponse, json, listResponse, merchantSecurity, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const tags = ['Conversions'];
const security = merchantSecurity;

export const conversionPaths: ZodOpenApiPathsObject = {
  '/api/v1/conversions': {
    post: {
      operationId: 'createConversion',
      summary: 'Record a sale server to server; `orderId` is the idempotency key',
      description: 'An order id already recorded — by this API, a postback or a processor webhook — answers 409 `duplicate` with '
        + '`error.conversionId` and changes nothing: a sync client counts it as already synced.',
      tags, security,
      requestBody: { required: true, content: json(createBody) },
      responses: { 201: dataResponse(conversionSchema, 'The conversion with its first ledger line.'), ...writeErrors(409) },
    },
    get: {
      operationId: 'listConversions', summary: 'Conversions, newest first, with their ledgers', tags, security,
      requestParams: { query: listQuery },
      responses: { 200: listResponse(conversionSchema, 'A page of conversions.'), ...readErrors() },
    },
  },
  '/api/v1/conversions/{conversionId}': {
    get: {
      operationId: 'getConversion', summary: 'A conversion with its ledger (`adjustments`)', tags, security,
      requestParams: { path: pathIds('conversionId') },
      responses: { 200: dataResponse(conversionSchema, 'The conversion.'), ...readErrors() },
    },
    patch: {
      operationId: 'updateConversion', summary: 'Move a conversion: pending → approved → paid, or to rejected', tags, security,
      requestParams: { path: pathIds('conversionId') },
      requestBody: { required: true, content: json(updateBody) },
      responses: { 200: dataResponse(conversionSchema, 'The conversion as changed.'), ...writeErrors(409) },
    },
  },
};
