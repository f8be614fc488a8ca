/** @module `/api/v1/campaigns` in the OpenAPI document (SPEC §4). */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { campaignSchema } from '../../presenters/campaign.schema.js';
import { createBody, listQuery, updateBody } from '../../routes/campaign.routes.js';
import { dataResponse, json, listResponse, merchantSecurity, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const tags = ['Campaigns'];
const security = merchantSecurity;

export const campaignPaths: ZodOpenApiPathsObject = {
  '/api/v1/campaigns': {
    post: {
      operationId: 'createCampaign', summary: 'Create a campaign (a “program”)', tags, security,
      requestBody: { required: true, content: json(createBody) },
      responses: { 201: dataResponse(campaignSchema, 'The campaign.'), ...writeErrors() },
    },
    get: {
      operationId: 'listCampaigns', summary: 'Campaigns, newest first', tags, security,
      requestParams: { query: listQuery },
      responses: { 200: listResponse(campaignSchema, 'A page of campaigns.'), ...readErrors() },
    },
  },
  '/api/v1/campaigns/{campaignId}': {
    get: {
      operationId: 'getCampaign', summary: 'A campaign', tags, security,
      requestParams: { path: pathIds('campaignId') },
      responses: { 200: dataResponse(campaignSchema, 'The campaign.'), ...readErrors() },
    },
    patch: {
      operationId: 'updateCampaign', summary: 'Change a campaign’s name or rules (not its currency)', tags, security,
      requestParams: { path: pathIds('campaignId') },
      requestBody: { required: true, content: json(updateBody) },
      responses: { 200: dataResponse(campaignSchema, 'The campaign as changed.'), ...writeErrors() },
    },
  },
};
