/**
 * @module GoPay's REST API as `confirm` uses it (providers.md §5.1): an OAuth2 client-credentials
 * token (`POST {apiBase}/oauth2/token`, scope `payment-all`), then the payment's status
 * (`GET {apiBase}/payments/payment/{id}`) and, for a partly refunded payment, its refund history
 * (`GET …/{id}/refunds`). Every failure — no answer in time, a reset, a 5xx, a refused credential —
 * throws a `GoPayApiError`, so the event is `failed` and retried with back-off, never lost. The
 * messages name the call and GoPay's error code; they never carry a secret or a token.
 */
import type { AdapterIo } from '../../src/contract/provider-adapter.js';
import { describeFetchFailure } from '../../src/lib/fetch-failure.js';
import { safeParseJson } from '../../src/lib/safe-parse-json.js';
import {
  gopayErrorSchema,
  gopayPaymentSchema,
  gopayRefundHistorySchema,
  gopayTokenSchema,
  type GoPayConfirmation,
} from './gopay-schema.js';
import { GoPayTokenCache, type IssuedToken } from './gopay-token-cache.js';

export class GoPayApiError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'GoPayApiError';
  }
}

export interface GoPayApiSettings {
  /** The connection the token belongs to. */
  connectionId: string;
  apiBase: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

interface Answer {
  status: number;
  body: unknown;
}

/** GoPay's gateways serve the API under /api (`https://gate.gopay.cz/api`); a 404 without GoPay's error body usually means it is missing. */
const WRONG_PATH_HINT = ' — check that the connection’s apiBase ends with /api';

/** GoPay's token lifetime when an answer does not say ("Token expires after 30 minutes"). */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 1800;

/** GoPay's error envelope in words: `error 304 PAYMENT_NOT_FOUND: Payment not found.` */
function describeError(body: unknown): string {
  const parsed = gopayErrorSchema.safeParse(body);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  if (first) return `error ${first.error_code ?? '?'} ${first.error_name ?? ''}${first.message ? `: ${first.message}` : ''}`.replace(/\s+:/, ':');
  const oauth = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  return typeof oauth === 'string' ? `error ${oauth}` : 'no GoPay error body';
}

function errorCodeOf(body: unknown): number | null {
  const parsed = gopayErrorSchema.safeParse(body);
  return parsed.success ? (parsed.data.errors[0]?.error_code ?? null) : null;
}

/** One per adapter instance: it owns the token cache, so tokens outlive a single `confirm`. */
export class GoPayApi {
  readonly #tokens = new GoPayTokenCache();

  /** The payment as GoPay knows it now, with its refund history when partly refunded. */
  async readPayment(io: AdapterIo, settings: GoPayApiSettings, paymentId: string, expectedGoid: string): Promise<GoPayConfirmation> {
    const status = await this.#authorizedGet(io, settings, `/payments/payment/${paymentId}`, `GET /payments/payment/${paymentId}`);
    if (status === 'not_found') return { found: false, paymentId, detail: `GoPay answered "payment not found" for payment ${paymentId}` };
    const parsed = gopayPaymentSchema.safeParse(status);
    if (!parsed.success) throw new GoPayApiError(`GoPay's status of payment ${paymentId} is not a payment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const payment = parsed.data;
    const goid = String(payment.target.goid);
    // Another account's payment: its refund history is none of our business.
    const needsRefunds = payment.state === 'PARTIALLY_REFUNDED' && goid === expectedGoid;
    const history = needsRefunds ? await this.#authorizedGet(io, settings, `/payments/payment/${paymentId}/refunds`, `GET /payments/payment/${paymentId}/refunds`) : null;
    if (history === 'not_found') throw new GoPayApiError(`GoPay has no refund history for payment ${paymentId}, which it reports as PARTIALLY_REFUNDED`);
    const refunds = history === null ? null : gopayRefundHistorySchema.safeParse(history);
    if (refunds && !refunds.success) throw new GoPayApiError(`GoPay's refund history of payment ${paymentId} is not a list of refunds`);
    return {
      found: true,
      payment: {
        id: payment.id,
        parentId: payment.parent_id ?? null,
        orderNumber: payment.order_number ?? null,
        state: payment.state,
        amount: payment.amount,
        currency: payment.currency,
        goid,
        startsRecurrence: Boolean(payment.recurrence),
        additionalParams: Object.fromEntries((payment.additional_params ?? []).map((param) => [param.name, param.value === null || param.value === undefined ? '' : String(param.value)])),
        customerEmail: payment.payer?.contact?.email ?? null,
      },
      refunds: refunds ? refunds.data.map((refund) => ({ id: refund.id, state: refund.state, amount: refund.amount, currency: refund.currency ?? null })) : null,
    };
  }

  /**
   * A GET with the connection's token. A 401/403 means GoPay no longer accepts the cached token
   * (revoked early): it is dropped and the call made once more with a fresh one.
   */
  async #authorizedGet(io: AdapterIo, settings: GoPayApiSettings, path: string, what: string): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.#token(io, settings);
      const answer = await this.#call(io, settings, what, path, {
        method: 'GET',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${token}` },
      });
      if (answer.status === 200) return answer.body;
      if ((answer.status === 401 || answer.status === 403) && attempt === 1) {
        this.#tokens.forget(settings.connectionId, token);
        continue;
      }
      // Only GoPay's own "payment not found" (error 304) means that: a bare 404 is a wrong apiBase, and must be retried, not ignored.
      if (errorCodeOf(answer.body) === 304) return 'not_found';
      const hint = answer.status === 401 || answer.status === 403 ? ' (a fresh token was refused too)'
        : answer.status === 404 ? WRONG_PATH_HINT : '';
      throw new GoPayApiError(`GoPay ${what} answered ${answer.status} (${describeError(answer.body)})${hint}`);
    }
  }

  #token(io: AdapterIo, settings: GoPayApiSettings): Promise<string> {
    const fingerprint = GoPayTokenCache.fingerprint(settings.apiBase, settings.clientId, settings.clientSecret);
    return this.#tokens.token(io.clock, settings.connectionId, fingerprint, () => this.#issueToken(io, settings));
  }

  async #issueToken(io: AdapterIo, settings: GoPayApiSettings): Promise<IssuedToken> {
    const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`, 'utf8').toString('base64');
    const answer = await this.#call(io, settings, 'POST /oauth2/token', '/oauth2/token', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'payment-all' }).toString(),
    });
    if (answer.status !== 200) {
      const hint = answer.status === 401 || answer.status === 403 || answer.status === 400 ? ' — check the connection’s clientId and clientSecret'
        : answer.status === 404 ? WRONG_PATH_HINT : '';
      throw new GoPayApiError(`GoPay POST /oauth2/token answered ${answer.status} (${describeError(answer.body)})${hint}`);
    }
    const token = gopayTokenSchema.safeParse(answer.body);
    if (!token.success) throw new GoPayApiError('GoPay POST /oauth2/token answered 200 without an access_token');
    return { accessToken: token.data.access_token, expiresInSeconds: token.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_SECONDS };
  }

  async #call(io: AdapterIo, settings: GoPayApiSettings, what: string, path: string, init: RequestInit): Promise<Answer> {
    try {
      const response = await io.fetch(`${settings.apiBase}${path}`, { ...init, signal: AbortSignal.timeout(settings.timeoutMs) });
      const text = await response.text();
      const json = text.length === 0 ? { success: true as const, value: null } : safeParseJson(text);
      if (response.status === 200 && !json.success) throw new GoPayApiError(`GoPay ${what} answered 200 with a body that is not JSON`);
      return { status: response.status, body: json.success ? json.value : null };
    } catch (error) {
      if (error instanceof GoPayApiError) throw error;
      throw new GoPayApiError(`GoPay ${what} failed: ${describeFetchFailure(error, settings.timeoutMs)}`, { cause: error });
    }
  }
}
