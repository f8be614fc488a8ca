/** @module `/api/v1/affiliates` in the OpenAPI document (SPEC §4). */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { affiliateSchema, createdAffiliateSchema } from '../../presenters/affiliate.schema.js';
import { createBody, listQuery, updateBody } from '../../routes/affiliate.routes.js';
import { dataResponse, json, listResponse, merchantSecurity, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const tags = ['Affiliates'];
const security = merchantSecurity;

export const affiliatePaths: ZodOpenApiPathsObject = {
  '/api/v1/affiliates': {
    post: {
      operationId: 'createAffiliate', summary: 'Create an affiliate enrolled in a campaign (the email is kept only as a keyed hash)', tags, security,
      requestBody: { required: true, content: json(createBody) },
      responses: { 201: dataResponse(createdAffiliateSchema, 'The affiliate and the enrollment made.'), ...writeErrors() },
    },
    get: {
      operationId: 'listAffiliates', summary: 'Affiliates, optionally of one campaign', tags, security,
      requestParams: { query: listQuery },
      responses: { 200: listResponse(affiliateSchema, 'A page of affiliates.'), ...readErrors() },
    },
  },
  '/api/v1/affiliates/{affiliateId}': {
    get: {
      operationId: 'getAffiliate', summary: 'An affiliate with its enrollments', tags, security,
      requestParams: { path: pathIds('affiliateId') },
      responses: { 200: dataResponse(affiliateSchema, 'The affiliate.'), ...readErrors() },
    },
    patch: {
      operationId: 'updateAffiliate', summary: 'Rename an affiliate, or change its enrollment in a campaign', tags, security,
      requestParams: { path: pathIds('affiliateId') },
      requestBody: { required: true, content: json(updateBody) },
      responses: { 200: dataResponse(affiliateSchema, 'The affiliate as changed.'), ...writeErrors() },
    },
  },
};
