/**
 * @module The route pattern a request matched (`/api/v1/conversions/:conversionId`), for logs and
 * metrics: never the URL, whose path holds ids and whose query can hold a key (`?api_key=`).
 *
 * express sets `req.route` to the matched route but resets `req.baseUrl` when an error leaves a
 * mounted router, so the full pattern is looked up by route object in a table read once from the
 * app's router stack (express 5's layers, as `test/helpers/list-routes.ts` reads them).
 */
import type { IncomingMessage } from 'node:http';
import type { Express } from 'express';

/** The label of a request no route matched (404s, refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

interface RouterLayer {
  rawPath?: string;
  route?: { path: string };
  handle: { stack?: RouterLayer[] };
}

function readPatterns(app: Express): Map<object, string> {
  const patterns = new Map<object, string>();
  const walk = (stack: readonly RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      // A router's own root route is its mount path (`/api/v1/campaigns`, not `/api/v1/campaigns/`).
      if (layer.route) patterns.set(layer.route, layer.route.path === '/' && prefix !== '' ? prefix : `${prefix}${layer.route.path}`);
      else if (layer.handle.stack) walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return patterns;
}

const lookups = new WeakMap<Express, (req: IncomingMessage) => string>();

/**
 * The lookup of the pattern a request of `app` matched (one per app: metrics and the request log
 * share it). The table is read at the first lookup, when every route is mounted.
 */
export function routePatternsOf(app: Express): (req: IncomingMessage) => string {
  const known = lookups.get(app);
  if (known) return known;
  let patterns: Map<object, string> | null = null;
  const lookup = (req: IncomingMessage) => {
    const route = (req as { route?: unknown }).route;
    if (typeof route !== 'object' || route === null) return UNMATCHED_ROUTE;
    patterns ??= readPatterns(app);
    return patterns.get(route) ?? UNMATCHED_ROUTE;
  };
  lookups.set(app, lookup);
  return lookup;
}
