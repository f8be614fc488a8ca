/** @module `/api/v1/webhook-endpoints` in the OpenAPI document (SPEC §11): outbound webhooks. */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { createdWebhookEndpointSchema, webhookDeliverySchema, webhookEndpointSchema } from '../../presenters/webhook-endpoint.schema.js';
import { createBody, listQuery, updateBody } from '../../routes/webhook-endpoint.routes.js';
import { dataResponse, json, listResponse, merchantSecurity, noContent, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const tags = ['Webhook endpoints'];
const security = merchantSecurity;

export const webhookEndpointPaths: ZodOpenApiPathsObject = {
  '/api/v1/webhook-endpoints': {
    post: {
      operationId: 'createWebhookEndpoint', summary: 'Send conversion events to a URL, signed per Standard Webhooks', tags, security,
      requestBody: { required: true, content: json(createBody) },
      responses: { 201: dataResponse(createdWebhookEndpointSchema, 'The endpoint, with its signing `secret` (shown once).'), ...writeErrors() },
    },
    get: {
      operationId: 'listWebhookEndpoints', summary: 'Webhook endpoints', tags, security,
      requestParams: { query: listQuery },
      responses: { 200: listResponse(webhookEndpointSchema, 'A page of endpoints.'), ...readErrors() },
    },
  },
  '/api/v1/webhook-endpoints/{endpointId}': {
    get: {
      operationId: 'getWebhookEndpoint', summary: 'A webhook endpoint', tags, security,
      requestParams: { path: pathIds('endpointId') },
      responses: { 200: dataResponse(webhookEndpointSchema, 'The endpoint.'), ...readErrors() },
    },
    patch: {
      operationId: 'updateWebhookEndpoint', summary: 'Change an endpoint’s URL or events, or enable it again', tags, security,
      requestParams: { path: pathIds('endpointId') },
      requestBody: { required: true, content: json(updateBody) },
      responses: { 200: dataResponse(webhookEndpointSchema, 'The endpoint as changed.'), ...writeErrors() },
    },
    delete: {
      operationId: 'deleteWebhookEndpoint', summary: 'Delete an endpoint; its pending deliveries fail', tags, security,
      requestParams: { path: pathIds('endpointId') },
      responses: { 204: noContent, ...writeErrors() },
    },
  },
  '/api/v1/webhook-endpoints/{endpointId}/deliveries': {
    get: {
      operationId: 'listWebhookDeliveries', summary: 'Every delivery to an endpoint and how it went', tags, security,
      requestParams: { path: pathIds('endpointId'), query: listQuery },
      responses: { 200: listResponse(webhookDeliverySchema, 'A page of deliveries.'), ...readErrors() },
    },
  },
};
