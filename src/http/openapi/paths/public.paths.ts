/**
 * @module The routes that belong to no merchant in the OpenAPI document: processor webhooks, the
 * postback, click redirects, the landing-page script, health, metrics and this document itself.
 */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { PROVIDER_IDS } from '../../../contract/providers.js';
import { healthUnavailableSchema } from '../../presenters/error.schema.js';
import { healthSchema, postbackAnswerSchema, webhookReceiptSchema } from '../../presenters/receipt.schema.js';
import { postbackParameters } from '../../routes/postback.routes.js';
import { errorResponses, json } from '../operation-parts.js';

/** Whatever the processor sends, in its own format: the adapter reads the raw bytes. */
const processorBody = z.unknown().meta({ description: 'The processor’s delivery, byte for byte as it sent it (its signature covers these bytes).' });

const webhookPath = z.strictObject({
  provider: z.enum(PROVIDER_IDS),
  connectionId: z.string().min(1).meta({ description: 'The connection’s id (`con_…`), as in its `webhookUrl`.' }),
});

const webhookResponses = {
  200: { description: 'Stored (committed) — or a re-delivery of a stored event (`duplicate`), or a liveness ping.', content: json(webhookReceiptSchema) },
  // 415: a body in a Content-Encoding the hub does not decompress.
  ...errorResponses(404, 415),
};

const postbackPath = z.strictObject({ campaignId: z.string().min(1) });
const postbackResponses = {
  200: { description: 'Recorded, or already recorded under this order id (`duplicate: true`).', content: json(postbackAnswerSchema) },
  ...errorResponses(401, 403, 404, 415, 429),
};

export const publicPaths: ZodOpenApiPathsObject = {
  '/webhooks/{provider}/{connectionId}': {
    post: {
      operationId: 'receiveWebhook',
      summary: 'Where a processor delivers its webhooks',
      description: 'Authenticated by the processor’s signature (Stripe-Signature, Paddle-Signature, X-Signature, '
        + 'X-WC-Webhook-Signature) or, for Gumroad, the URL token. Answered 200 only once the delivery is stored.',
      tags: ['Processor webhooks'], security: [],
      requestParams: { path: webhookPath, query: z.object({ token: z.string().optional().meta({ description: 'Gumroad: the connection’s URL token.' }) }) },
      requestBody: { required: true, content: { 'application/json': { schema: processorBody }, 'application/x-www-form-urlencoded': { schema: processorBody } } },
      responses: webhookResponses,
    },
    get: {
      operationId: 'receiveWebhookNotification',
      summary: 'GoPay’s notification: a GET naming the payment; the hub reads its state from GoPay’s API',
      tags: ['Processor webhooks'], security: [],
      requestParams: { path: webhookPath, query: z.object({ id: z.string().meta({ description: 'GoPay: the payment id.' }) }) },
      responses: webhookResponses,
    },
  },
  '/api/postback/{campaignId}': {
    get: {
      operationId: 'postback', summary: 'Server-to-server postback, parameters in the query string (SPEC §10)', tags: ['Postback'],
      security: [{ apiKeyBearer: [] }, { apiKeyHeader: [] }, { apiKeyQuery: [] }],
      requestParams: { path: postbackPath, query: postbackParameters },
      responses: postbackResponses,
    },
    post: {
      operationId: 'postbackWithBody', summary: 'Server-to-server postback, parameters in a JSON or form body (and/or the query)', tags: ['Postback'],
      security: [{ apiKeyBearer: [] }, { apiKeyHeader: [] }, { apiKeyQuery: [] }],
      requestParams: { path: postbackPath },
      requestBody: { required: true, content: { 'application/json': { schema: postbackParameters }, 'application/x-www-form-urlencoded': { schema: postbackParameters } } },
      responses: postbackResponses,
    },
  },
  '/r/{code}': {
    get: {
      operationId: 'followLink', summary: 'An affiliate’s link: records the click and redirects with `hub_vid` and `hub_click`', tags: ['Public'], security: [],
      requestParams: {
        path: z.strictObject({ code: z.string().min(1) }),
        query: z.object({ sub_id: z.string().optional(), sub_id_2: z.string().optional(), sub_id_3: z.string().optional() }),
      },
      responses: {
        302: { description: 'To the link’s destination, `hub_vid` and `hub_click` added to its query; sets the `hub_vid` cookie.' },
        404: { description: 'No such link: a small HTML page.', content: { 'text/html': { schema: z.string() } } },
        ...errorResponses(),
      },
    },
  },
  '/hub.js': {
    get: {
      operationId: 'hubScript', summary: 'The landing-page script (`window.conversionHub.visitorId()`, `.clickId()`)', tags: ['Public'], security: [],
      responses: { 200: { description: 'JavaScript.', content: { 'application/javascript': { schema: z.string() } } }, ...errorResponses() },
    },
  },
  '/healthz': {
    get: {
      operationId: 'health', summary: 'Liveness and database reachability', tags: ['Operations'], security: [],
      responses: {
        200: { description: 'Serving, database reachable.', content: json(healthSchema) },
        ...errorResponses(),
        503: { description: 'The database is unreachable.', content: json(healthUnavailableSchema) },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics', summary: 'Prometheus metrics (bearer `HUB_METRICS_TOKEN` when it is set)', tags: ['Operations'],
      security: [{}, { metricsToken: [] }],
      responses: { 200: { description: 'Prometheus text exposition.', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses(401) },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openApiDocument', summary: 'This document', tags: ['Operations'], security: [],
      responses: { 200: { description: 'OpenAPI 3.1.', content: json(z.record(z.string(), z.unknown())) }, ...errorResponses() },
    },
  },
};
