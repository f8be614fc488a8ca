/**
 * @module Security headers on every response (helmet), set in the top-level listener so the webhook
 * route (plain node:http), early refusals and error responses carry them as well as express's routes.
 *
 * helmet's defaults are made for HTML applications; the hub answers JSON, one script, one redirect
 * and one small 404 page, so a few are changed:
 * - Content-Security-Policy `default-src 'none'`: nothing the hub serves as a document loads
 *   anything, and no response may be framed (`frame-ancestors 'none'`, with X-Frame-Options DENY for
 *   old browsers). A CSP on `/hub.js` does not restrict the script on the merchant's page: CSP
 *   governs documents, not the scripts they load.
 * - Cross-Origin-Resource-Policy `same-origin` (helmet's default) everywhere except `/hub.js`, which
 *   merchants' pages load from another origin and so answers `cross-origin` (`HUB_SCRIPT_RESOURCE_POLICY`).
 * - Strict-Transport-Security without `includeSubDomains`: a self-hosted hub may live on a merchant's
 *   apex domain, and the hub has no say over that domain's other hosts. Browsers ignore it over http.
 * - Referrer-Policy `no-referrer` (helmet's default), except on the click redirect (redirect.routes.ts).
 */
import helmet from 'helmet';

export const HUB_SCRIPT_RESOURCE_POLICY = 'cross-origin';

export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});
