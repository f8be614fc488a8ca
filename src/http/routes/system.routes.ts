/** @module `/healthz`, `/metrics` and `/hub.js`: the routes that belong to no merchant. */
import { Router } from 'express';
import { sql } from 'kysely';
import type { HubServices } from '../../hub-services.js';
import { HUB_SCRIPT } from '../hub-script.js';

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

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', services.metrics.registry.contentType);
    res.send(await services.metrics.registry.metrics());
  });

  router.get('/hub.js', (_req, res) => {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.send(HUB_SCRIPT);
  });

  return router;
}
