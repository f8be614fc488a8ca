/**
 * @module The HTTP application: every route of SPEC §1–§12 behind one error handler. Processor
 * deliveries take a plain node:http path (`webhook-ingress.ts`); everything else goes through express.
 * Both paths share what the top-level listener does first: the request's log line and security headers.
 */
import type { RequestListener } from 'node:http';
import express, { Router, type Express } from 'express';
import type { HubServices } from '../hub-services.js';
import { createErrorHandler, errorResponse, notFoundHandler } from './error-handler.js';
import { apiGate } from './middleware/api-gate.js';
import { jsonBody } from './middleware/json-body.js';
import { adminRoutes } from './routes/admin.routes.js';
import { affiliateRoutes } from './routes/affiliate.routes.js';
import { campaignRoutes } from './routes/campaign.routes.js';
import { clickRoutes } from './routes/click.routes.js';
import { connectionRoutes } from './routes/connection.routes.js';
import { conversionRoutes } from './routes/conversion.routes.js';
import { eventRoutes } from './routes/event.routes.js';
import { linkRoutes } from './routes/link.routes.js';
import { openApiRoutes } from './routes/openapi.routes.js';
import { postbackRoutes } from './routes/postback.routes.js';
import { declaresTooMuch, payloadTooLarge } from './request-body.js';
import { redirectRoutes } from './routes/redirect.routes.js';
import { refuseUnstorableTextInUrl } from './middleware/refuse-unstorable-text.js';
import { createRequestLog } from './request-log.js';
import { routePatternsOf } from './route-patterns.js';
import { securityHeaders } from './security-headers.js';
import { systemRoutes } from './routes/system.routes.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoint.routes.js';
import { createWebhookIngress, webhookTarget } from './webhook-ingress.js';

export function createApp(services: HubServices): RequestListener {
  const app = createExpressApp(services);
  const ingest = createWebhookIngress(services);
  const logRequest = createRequestLog(services.logger, routePatternsOf(app));
  const dispatch: RequestListener = (req, res) => {
    // Every route, before any routing: a declared body over the limit is refused unread.
    if (declaresTooMuch(req)) {
      errorResponse(res, payloadTooLarge(), services.logger, { method: req.method ?? '', path: '' });
      return;
    }
    const target = webhookTarget(req.url);
    if (target) ingest(req, res, target);
    else app(req, res);
  };
  return (req, res) => {
    logRequest(req, res);
    securityHeaders(req, res, () => dispatch(req, res));
  };
}

/** Every route but processor deliveries. */
export function createExpressApp(services: HubServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', services.config.trustProxy);
  app.set('query parser', 'simple');

  const routeOf = routePatternsOf(app);
  app.use((req, res, next) => {
    res.on('finish', () => {
      services.metrics.httpRequests.inc({ method: req.method, route: routeOf(req), status: String(res.statusCode) });
    });
    next();
  });

  app.use(refuseUnstorableTextInUrl());
  app.use(systemRoutes(services));
  app.use(openApiRoutes(services));
  app.use(redirectRoutes(services));
  app.use('/admin/v1', adminRoutes(services));
  app.use('/api/postback', postbackRoutes(services));

  const api = Router();
  api.use(apiGate(services), jsonBody());
  api.use('/campaigns', campaignRoutes(services));
  api.use('/affiliates', affiliateRoutes(services));
  api.use('/links', linkRoutes(services));
  api.use('/clicks', clickRoutes(services));
  api.use('/conversions', conversionRoutes(services));
  api.use('/connections', connectionRoutes(services));
  api.use('/events', eventRoutes(services));
  api.use('/webhook-endpoints', webhookEndpointRoutes(services));
  app.use('/api/v1', api);

  app.use(notFoundHandler);
  app.use(createErrorHandler(services.logger));
  return app;
}
