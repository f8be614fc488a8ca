/** @module `GET /openapi.json`: the hub's OpenAPI 3.1 document, its server being HUB_PUBLIC_URL. */
import { Router } from 'express';
import type { HubServices } from '../../hub-services.js';
import { createOpenApiDocument } from '../openapi/openapi-document.js';

export function openApiRoutes(services: HubServices): Router {
  const router = Router();
  // Built at the first request, not at start-up: most hubs never serve it, and it never changes while running.
  let document: string | null = null;

  router.get('/openapi.json', (_req, res) => {
    document ??= JSON.stringify(createOpenApiDocument(services.config.publicUrl));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    // Any origin may read it: API explorers and code generators fetch it from their own pages.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.send(document);
  });

  return router;
}
