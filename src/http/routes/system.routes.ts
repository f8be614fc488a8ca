/** @module `/healthz`, `/metrics` and `/hub.js`: the routes that belong to no merchant. */
import { Router, type RequestHandler } from 'express';
import { sql } from 'kysely';
import { HubError } from '../../contract/errors.js';
import type { HubServices } from '../../hub-services.js';
import { constantTimeEqual } from '../../lib/hashing.js';
import { HUB_SCRIPT } from '../hub-script.js';
import { bearerToken } from '../middleware/authenticate.js';
import { HUB_SCRIPT_RESOURCE_POLICY } from '../security-headers.js';

/**
 * `/metrics` behind `HUB_METRICS_TOKEN` when it is set (`Authorization: Bearer <token>`, compared in
 * constant time); open when it is not, for a hub whose port only the scraper can reach.
 */
function requireMetricsToken(token: string | null): RequestHandler {
  return (req, _res, next) => {
    if (token === null) {
      next();
      return;
    }
    const presented = bearerToken(req);
    if (presented === null || !constantTimeEqual(presented, token)) {
      next(new HubError('unauthorized', 'missing or wrong metrics token; send Authorization: Bearer <HUB_METRICS_TOKEN>'));
      return;
    }
    next();
  };
}

export function systemRoutes(services: HubServices): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(services.db);
      res.status(200).json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', error: { code: 'unavailable', message: 'the database is unreachable' } });
    }
  });

  router.get('/metrics', requireMetricsToken(services.config.metricsToken), async (_req, res) => {
    res.setHeader('Content-Type', services.metrics.registry.contentType);
    res.send(await services.metrics.registry.metrics());
  });

  router.get('/hub.js', (_req, res) => {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    // Merchants' pages load this script from their own origin: the hub's same-origin default would block it.
    res.setHeader('Cross-Origin-Resource-Policy', HUB_SCRIPT_RESOURCE_POLICY);
    res.send(HUB_SCRIPT);
  });

  return router;
}
