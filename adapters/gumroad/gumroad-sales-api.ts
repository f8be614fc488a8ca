/**
 * @module `GET {apiBase}/v2/sales/:id` — "Retrieves the details of a sale by this user"
 * (providers.md §4.1) — as `confirm` uses it. The token goes in `Authorization: Bearer`, one of
 * the ways Gumroad's Doorkeeper reads it, which keeps it out of URLs and access logs. Gumroad
 * answers an unknown sale with `200 {"success": false}` (its docs say 404; both are read as "not
 * found"), a bad token with a bare 401. Every failure — no answer in time, a reset, a 5xx, a
 * refused token — throws, so the event is `failed` and retried with back-off, never lost.
 */
import type { AdapterIo } from '../../src/contract/provider-adapter.js';
import { describeFetchFailure } from '../../src/lib/fetch-failure.js';
import { safeParseJson } from '../../src/lib/safe-parse-json.js';
import { gumroadSaleResponseSchema, type GumroadConfirmation } from './gumroad-schema.js';

export class GumroadApiError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'GumroadApiError';
  }
}

export interface GumroadApiSettings {
  apiBase: string;
  accessToken: string;
  timeoutMs: number;
}

/** Doorkeeper's reason from `WWW-Authenticate: Bearer …, error="invalid_token", …`. */
function challengeError(header: string | null): string | null {
  return header ? (/error="([^"]+)"/.exec(header)?.[1] ?? null) : null;
}

export async function fetchGumroadSale(io: AdapterIo, settings: GumroadApiSettings, saleId: string): Promise<GumroadConfirmation> {
  const what = `GET /v2/sales/${saleId}`;
  let status: number;
  let text: string;
  let challenge: string | null;
  try {
    const response = await io.fetch(`${settings.apiBase}/v2/sales/${encodeURIComponent(saleId)}`, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${settings.accessToken}` },
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    status = response.status;
    challenge = challengeError(response.headers.get('www-authenticate'));
    text = await response.text();
  } catch (error) {
    throw new GumroadApiError(`Gumroad ${what} failed: ${describeFetchFailure(error, settings.timeoutMs)}`, { cause: error });
  }
  if (status === 401 || status === 403) {
    const reason = challenge ?? (status === 401 ? 'invalid_token' : 'insufficient_scope');
    throw new GumroadApiError(`Gumroad ${what} refused the connection's access token (${status} ${reason}); it needs the view_sales scope`);
  }
  const json = safeParseJson(text);
  const parsed = json.success ? gumroadSaleResponseSchema.safeParse(json.value) : null;
  if ((status === 200 || status === 404) && parsed?.success && !parsed.data.success) {
    return { found: false, saleId, detail: `the Sales API answered "${parsed.data.message ?? 'not found'}"` };
  }
  if (status !== 200) throw new GumroadApiError(`Gumroad ${what} answered ${status}`);
  const sale = parsed?.success ? parsed.data.sale : null;
  if (!sale) throw new GumroadApiError(`Gumroad ${what} answered 200 without a readable sale`);
  if (sale.id !== saleId) throw new GumroadApiError(`Gumroad ${what} answered sale ${sale.id}`);
  return {
    found: true,
    sale: {
      id: sale.id,
      createdAt: sale.created_at ?? null,
      priceUsdCents: sale.price,
      currencySymbol: sale.currency_symbol ?? null,
      formattedTotalPrice: sale.formatted_total_price ?? null,
      amountRefundableInCurrency: sale.amount_refundable_in_currency ?? null,
      refunded: sale.refunded ?? false,
      partiallyRefunded: sale.partially_refunded ?? false,
      chargedback: sale.chargedback ?? false,
      disputed: sale.disputed ?? false,
      disputeWon: sale.dispute_won ?? false,
    },
  };
}
