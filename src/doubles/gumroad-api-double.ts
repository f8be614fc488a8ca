/**
 * @module A local Gumroad API for tests and the demo: the one call the hub makes,
 * `GET {apiBase}/v2/sales/:id`, as Gumroad's own app answers it (fixtures/README.md "Sales API"):
 *
 *   - the OAuth access token is read the way Doorkeeper's defaults read it (Gumroad sets no
 *     `access_token_methods`): `Authorization: Bearer …`, or an `access_token` / `bearer_token`
 *     parameter in the query or a form body;
 *   - a found sale is `200 {"success": true, "sale": {…}}`; an unknown one is `200 {"success": false,
 *     "message": "The sale was not found."}` (Gumroad's base controller sets no status);
 *   - a missing, unknown or revoked token is `401` with an empty body and
 *     `WWW-Authenticate: Bearer realm="Doorkeeper", error="invalid_token", …`; a token without the
 *     `view_sales` (or `account`) scope is `403`, `error="insufficient_scope"`.
 *
 * `apiBase` is the double's origin (`http://127.0.0.1:<port>`), like `https://api.gumroad.com`.
 * Sales live in memory and can be changed at any time (refunded, disputed, won back).
 */
import {
  startApiDoubleServer,
  type ApiDoubleFailure,
  type ApiDoubleFailureOptions,
  type ApiDoubleReply,
  type ApiDoubleRequest,
  type ApiDoubleServerOptions,
} from './api-double.js';

/** A sale as the Sales API renders it (`Purchase#as_json(version: 2)`); other fields pass through. */
export interface GumroadApiSale {
  id: string;
  created_at: string;
  /** USD cents, whatever the product's currency. */
  price: number;
  currency_symbol: string;
  formatted_total_price?: string;
  /** Major units in the product's currency, without cents when whole ("49", "12.50"). */
  amount_refundable_in_currency: string;
  refunded: boolean;
  partially_refunded: boolean;
  chargedback: boolean;
  disputed: boolean;
  dispute_won: boolean;
  [field: string]: unknown;
}

export interface GumroadApiDoubleOptions extends ApiDoubleServerOptions {
  /** Access tokens the API accepts, with their scopes (default `["view_sales"]`). */
  accessTokens?: Record<string, string[]>;
}

export interface GumroadApiDouble {
  /** What a connection's `options.apiBase` should be: `http://127.0.0.1:<port>`. */
  readonly apiBase: string;
  /** Every request received, oldest first. */
  readonly requests: readonly ApiDoubleRequest[];
  /** Adds or replaces a sale. */
  setSale(sale: GumroadApiSale): void;
  /** Changes fields of a stored sale (e.g. `{refunded: true, amount_refundable_in_currency: "0"}`). */
  updateSale(saleId: string, changes: Partial<GumroadApiSale>): void;
  removeSale(saleId: string): void;
  sale(saleId: string): GumroadApiSale | undefined;
  addAccessToken(token: string, scopes?: string[]): void;
  revokeAccessToken(token: string): void;
  /** How many `GET /v2/sales/:id` requests arrived (answered or not). */
  saleRequestCount(): number;
  fail(failure: ApiDoubleFailure, options?: ApiDoubleFailureOptions): void;
  recover(): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const SALE_PATH = /^\/v2\/sales\/([^/]+)$/;
/** Api::V2 accepts either scope for reading sales. */
const READ_SALES_SCOPES = ['view_sales', 'account'];

function doorkeeperRefusal(status: 401 | 403): ApiDoubleReply {
  const challenge = status === 401
    ? 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"'
    : 'Bearer realm="Doorkeeper", error="insufficient_scope", error_description="Access to this resource requires scope \\"view_sales account\\"."';
  return { status, headers: { 'www-authenticate': challenge }, body: '' };
}

/** Doorkeeper's default token sources, in its order. */
function presentedToken(request: ApiDoubleRequest): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const form = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded') ? new URLSearchParams(request.body) : new URLSearchParams();
  return request.query.access_token ?? form.get('access_token') ?? request.query.bearer_token ?? form.get('bearer_token') ?? null;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export async function startGumroadApiDouble(options: GumroadApiDoubleOptions = {}): Promise<GumroadApiDouble> {
  const sales = new Map<string, GumroadApiSale>();
  const tokens = new Map<string, string[]>(Object.entries(options.accessTokens ?? {}));

  const answer = (request: ApiDoubleRequest): ApiDoubleReply => {
    const match = SALE_PATH.exec(request.path);
    const saleId = match?.[1] ? decodeSegment(match[1]) : null;
    if (!saleId || request.method !== 'GET') return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body><h1>The page you were looking for doesn’t exist.</h1></body></html>' };
    const token = presentedToken(request);
    const scopes = token ? tokens.get(token) : undefined;
    if (!scopes) return doorkeeperRefusal(401);
    if (!scopes.some((scope) => READ_SALES_SCOPES.includes(scope))) return doorkeeperRefusal(403);
    const sale = sales.get(saleId);
    return sale ? { status: 200, body: { success: true, sale } } : { status: 200, body: { success: false, message: 'The sale was not found.' } };
  };

  const failureReply = (failure: Extract<ApiDoubleFailure, { kind: 'status' | 'unauthorized' }>): ApiDoubleReply => {
    if (failure.kind === 'unauthorized' || failure.status === 401) return doorkeeperRefusal(401);
    if (failure.status === 403) return doorkeeperRefusal(403);
    // Rails' static error page, as Gumroad's servers answer an unhandled failure.
    return { status: failure.status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: "<html><body><h1>We're sorry, but something went wrong.</h1></body></html>" };
  };

  const server = await startApiDoubleServer({ host: options.host, port: options.port, basePath: '', answer, failureReply });

  return {
    apiBase: server.origin,
    requests: server.requests,
    setSale(sale) {
      sales.set(sale.id, structuredClone(sale));
    },
    updateSale(saleId, changes) {
      const sale = sales.get(saleId);
      if (!sale) throw new Error(`the Gumroad double has no sale ${saleId}`);
      sales.set(saleId, { ...sale, ...structuredClone(changes) });
    },
    removeSale(saleId) {
      sales.delete(saleId);
    },
    sale(saleId) {
      const sale = sales.get(saleId);
      return sale ? structuredClone(sale) : undefined;
    },
    addAccessToken(token, scopes = ['view_sales']) {
      tokens.set(token, [...scopes]);
    },
    revokeAccessToken(token) {
      tokens.delete(token);
    },
    saleRequestCount: () => server.requests.filter((request) => SALE_PATH.test(request.path)).length,
    fail: (failure, failureOptions) => server.fail(failure, failureOptions),
    recover: () => server.recover(),
    clearRequests: () => server.clearRequests(),
    close: () => server.close(),
  };
}
