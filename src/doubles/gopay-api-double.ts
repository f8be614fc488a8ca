/**
 * @module A local GoPay REST API v3 for tests and the demo: the three calls the hub makes, with
 * GoPay's paths, auth and error bodies (providers.md §5, fixtures/README.md "GoPay fixtures"):
 *
 *   POST {apiBase}/oauth2/token                      Basic clientId:clientSecret, form
 *                                                    grant_type=client_credentials&scope=payment-all
 *                                                    → {token_type: "bearer", access_token, expires_in: 1800}
 *   GET  {apiBase}/payments/payment/{id}             Bearer token (scope payment-all) → the payment
 *   GET  {apiBase}/payments/payment/{id}/refunds     Bearer token → [{id, state, amount, currency, …}]
 *
 * `apiBase` is `http://127.0.0.1:<port>/api`, like GoPay's gateways (`https://gate.gopay.cz/api`).
 * Payments live in memory and can be changed at any time (a payment moves PAID → PARTIALLY_REFUNDED
 * → REFUNDED as the merchant refunds); tokens expire on the double's clock, which a test can share
 * with the hub's manual clock. Errors use GoPay's documented envelope
 * `{date_issued, errors: [{scope, field, error_code, error_name, message, description}]}` with
 * 403 for a refused credential or token and 404 for an unknown payment.
 */
import { randomBytes } from 'node:crypto';
import {
  startApiDoubleServer,
  type ApiDoubleFailure,
  type ApiDoubleFailureOptions,
  type ApiDoubleReply,
  type ApiDoubleRequest,
  type ApiDoubleServerOptions,
} from './api-double.js';

export type GoPayPaymentState = 'CREATED' | 'PAYMENT_METHOD_CHOSEN' | 'PAID' | 'AUTHORIZED' | 'CANCELED' | 'TIMEOUTED' | 'REFUNDED' | 'PARTIALLY_REFUNDED';

/** A payment as `GET /payments/payment/{id}` returns it; fields the double does not read pass through. */
export interface GoPayPayment {
  id: number;
  parent_id?: number;
  order_number: string;
  state: GoPayPaymentState;
  amount: number;
  currency: string;
  target: { type: 'ACCOUNT'; goid: number };
  additional_params?: { name: string; value: string }[];
  [field: string]: unknown;
}

/** One entry of `GET /payments/payment/{id}/refunds` (gopay-java `Refund`, `RefundState`). */
export interface GoPayRefund {
  id: number;
  state: 'SUCCESS' | 'FAILED' | 'REQUESTED';
  amount: number;
  currency: string;
  date_requested?: string;
  date_last_change?: string;
}

export interface GoPayApiDoubleOptions extends ApiDoubleServerOptions {
  /** The credentials the token endpoint accepts. */
  clientId: string;
  clientSecret: string;
  /** `expires_in` of issued tokens; GoPay's is 1800 ("Token expires after 30 minutes"). */
  tokenLifetimeSeconds?: number;
  /** Decides when tokens expire; pass the hub's manual clock to expire them by advancing it. */
  clock?: { now(): Date };
}

export interface GoPayApiDouble {
  /** What a connection's `options.apiBase` should be: `http://127.0.0.1:<port>/api`. */
  readonly apiBase: string;
  /** Every request received, oldest first. */
  readonly requests: readonly ApiDoubleRequest[];
  /** Adds or replaces a payment (and, when given, its refund history). */
  setPayment(payment: GoPayPayment, refunds?: GoPayRefund[]): void;
  setRefunds(paymentId: number, refunds: GoPayRefund[]): void;
  removePayment(paymentId: number): void;
  payment(paymentId: number): GoPayPayment | undefined;
  /** How many token requests arrived (answered or not). */
  tokenRequestCount(): number;
  /** Every token issued so far stops working, as when GoPay revokes them; new ones can be fetched. */
  revokeTokens(): void;
  fail(failure: ApiDoubleFailure, options?: ApiDoubleFailureOptions): void;
  recover(): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const TOKEN_PATH = '/oauth2/token';
const PAYMENT_PATH = /^\/payments\/payment\/(\d+)(\/refunds)?$/;

interface IssuedToken {
  scope: string;
  expiresAt: number;
}

/** GoPay's error envelope ([doc-errors]); `error_name` values beyond the documented codes are illustrative. */
function gopayError(status: number, errorCode: number, errorName: string, message: string): ApiDoubleReply {
  return { status, body: { date_issued: Date.now(), errors: [{ scope: 'G', field: null, error_code: errorCode, error_name: errorName, message, description: null }] } };
}

const wrongCredentials = () => gopayError(403, 202, 'AUTH_WRONG_CREDENTIALS', 'Wrong access credentials.');
const notAuthorized = () => gopayError(403, 200, 'AUTH_NOT_AUTHORIZED', 'Not authorized access.');
const paymentNotFound = () => gopayError(404, 304, 'PAYMENT_NOT_FOUND', 'Payment not found.');

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export async function startGoPayApiDouble(options: GoPayApiDoubleOptions): Promise<GoPayApiDouble> {
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 1800;
  const now = () => (options.clock ?? { now: () => new Date() }).now().getTime();
  const payments = new Map<number, GoPayPayment>();
  const refunds = new Map<number, GoPayRefund[]>();
  const tokens = new Map<string, IssuedToken>();

  const issueToken = (request: ApiDoubleRequest): ApiDoubleReply => {
    if (request.method !== 'POST') return gopayError(405, 100, 'METHOD_NOT_ALLOWED', 'Use POST.');
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials || credentials.id !== options.clientId || credentials.secret !== options.clientSecret) return wrongCredentials();
    const form = new URLSearchParams(request.body);
    const scope = form.get('scope') ?? '';
    // The OAuth-style refusal the PHP SDK's tests mock for a malformed token request.
    if (form.get('grant_type') !== 'client_credentials' || !['payment-all', 'payment-create'].includes(scope)) return { status: 400, body: { error: 'invalid_request' } };
    const accessToken = `AAA${randomBytes(30).toString('base64url')}`;
    tokens.set(accessToken, { scope, expiresAt: now() + lifetimeSeconds * 1000 });
    return { status: 200, body: { token_type: 'bearer', access_token: accessToken, expires_in: lifetimeSeconds } };
  };

  const authorized = (request: ApiDoubleRequest): boolean => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1] ? tokens.get(match[1]) : undefined;
    // Status and refund history need `payment-all`; `payment-create` only creates payments.
    return token !== undefined && token.expiresAt > now() && token.scope === 'payment-all';
  };

  const answer = (request: ApiDoubleRequest): ApiDoubleReply => {
    if (request.path === TOKEN_PATH) return issueToken(request);
    const match = PAYMENT_PATH.exec(request.path);
    if (!match || request.method !== 'GET') return gopayError(404, 100, 'NOT_FOUND', 'Service does not exist.');
    if (!authorized(request)) return notAuthorized();
    const paymentId = Number(match[1]);
    const payment = payments.get(paymentId);
    if (!payment) return paymentNotFound();
    return { status: 200, body: match[2] ? (refunds.get(paymentId) ?? []) : payment };
  };

  const failureReply = (failure: Extract<ApiDoubleFailure, { kind: 'status' | 'unauthorized' }>, request: ApiDoubleRequest): ApiDoubleReply => {
    const isToken = request.path === TOKEN_PATH;
    if (failure.kind === 'unauthorized') return isToken ? wrongCredentials() : notAuthorized();
    if (failure.status === 401 || failure.status === 403) {
      const refusal = isToken ? wrongCredentials() : notAuthorized();
      return { ...refusal, status: failure.status };
    }
    // GoPay documents no body for its 5xx answers; the envelope keeps them readable.
    return gopayError(failure.status, 500, 'SERVER_ERROR', 'Internal server error.');
  };

  const server = await startApiDoubleServer({ host: options.host, port: options.port, basePath: '/api', answer, failureReply });

  return {
    apiBase: `${server.origin}/api`,
    requests: server.requests,
    setPayment(payment, history) {
      payments.set(payment.id, structuredClone(payment));
      if (history) refunds.set(payment.id, structuredClone(history));
    },
    setRefunds(paymentId, history) {
      refunds.set(paymentId, structuredClone(history));
    },
    removePayment(paymentId) {
      payments.delete(paymentId);
      refunds.delete(paymentId);
    },
    payment(paymentId) {
      const payment = payments.get(paymentId);
      return payment ? structuredClone(payment) : undefined;
    },
    tokenRequestCount: () => server.requests.filter((request) => request.path === TOKEN_PATH).length,
    revokeTokens() {
      tokens.clear();
    },
    fail: (failure, failureOptions) => server.fail(failure, failureOptions),
    recover: () => server.recover(),
    clearRequests: () => server.clearRequests(),
    close: () => server.close(),
  };
}
