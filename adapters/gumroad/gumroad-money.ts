/**
 * @module A Gumroad sale's money. The ping's `price` is USD cents whatever its `currency` says
 * (`price_cents` = `displayed_price_usd_cents`; "The price paid, in USD cents" — providers.md §4.4),
 * so without the Sales API a sale is recorded in USD. The Sales API gives the figures in the
 * product's currency — `formatted_total_price` ("€45") and `amount_refundable_in_currency` ("39"),
 * both from `usd_cents_to_currency(…, rate_converted_to_usd)` — but only a symbol, no ISO code:
 * they are used when that symbol is the one Gumroad shows for the ping's `currency`.
 */
import { currencyExponent, normalizeCurrency } from '../../src/lib/currencies.js';
import { parseMajorAmount } from '../../src/lib/money.js';
import type { GumroadApiSale, GumroadPing } from './gumroad-schema.js';

/**
 * The currencies a Gumroad product can be priced in and the symbols Gumroad shows for them
 * (antiwork/gumroad `config/currencies.json` @ 189ac915: `symbol` and, where set, `short_symbol`).
 * There is no three-decimal currency among them: Gumroad cannot sell in KWD.
 */
const GUMROAD_CURRENCY_SYMBOLS: Readonly<Record<string, readonly string[]>> = {
  USD: ['$'], GBP: ['£'], EUR: ['€'], JPY: ['¥'], INR: ['₹'], AUD: ['A$', '$'], CAD: ['CAD$', '$'], HKD: ['HK$', '$'],
  SGD: ['SGD$', '$'], TWD: ['NT$', '$'], NZD: ['NZ$', '$'], BRL: ['R$', '$'], ZAR: ['ZAR'], CHF: ['CHF'], ILS: ['₪'],
  PHP: ['₱'], KRW: ['₩'], PLN: ['zł'], CZK: ['Kč'], SEK: ['kr'], NOK: ['kr'], DKK: ['kr'], MXN: ['MX$', '$'],
  SAR: ['SAR'], AED: ['AED'], TRY: ['₺'], COP: ['COL$', '$'], RON: ['lei'], THB: ['฿'], MYR: ['RM'], VND: ['₫'], IDR: ['Rp'],
};

export interface GumroadMoney {
  currency: string;
  /** The sale, in minor units of `currency`. */
  gross: number;
  /** What is left to refund (Sales API), in minor units of `currency`; null without the API. */
  refundable: number | null;
  /** Where the figures came from, for details and traces. */
  source: string;
}

/**
 * Money text as Gumroad's `Money#format(no_cents_if_whole: true)` renders it — "49", "12.50",
 * "1,234", "¥4,990", "€45", "1.234,50" — in minor units, or null when it cannot be read without
 * guessing. A final group of exactly as many digits as the currency has decimals is the fraction;
 * every other separator groups thousands (groups of three).
 */
export function parseGumroadAmount(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const cleaned = text.replace(/[^\d.,]/g, '');
  if (!/^\d[\d.,]*\d$|^\d$/.test(cleaned)) return null;
  const groups = cleaned.split(/[.,]/);
  const tail = groups.at(-1) ?? '';
  // A three-digit tail in a three-decimal currency could be either; Gumroad sells in none (see above).
  if (groups.length > 1 && exponent === 3 && tail.length === 3) return null;
  const hasFraction = groups.length > 1 && exponent > 0 && tail.length === exponent;
  const wholeGroups = hasFraction ? groups.slice(0, -1) : groups;
  if (wholeGroups.some((group, index) => (index === 0 ? group.length === 0 || (wholeGroups.length > 1 && group.length > 3) : group.length !== 3))) return null;
  const decimal = `${wholeGroups.join('')}${hasFraction ? `.${tail}` : ''}`;
  const parsed = parseMajorAmount(decimal, currency);
  return parsed.ok ? parsed.minor : null;
}

/** The figures in the product's currency, when the Sales API's symbol says they are in the ping's currency. */
function localFigures(productCurrency: string, sale: GumroadApiSale): GumroadMoney | null {
  const symbols = GUMROAD_CURRENCY_SYMBOLS[productCurrency];
  if (!symbols || !sale.currencySymbol || !symbols.includes(sale.currencySymbol) || !sale.formattedTotalPrice) return null;
  const gross = parseGumroadAmount(sale.formattedTotalPrice, productCurrency);
  const refundable = sale.amountRefundableInCurrency === null ? null : parseGumroadAmount(sale.amountRefundableInCurrency, productCurrency);
  if (gross === null || refundable === null) return null;
  return { currency: productCurrency, gross, refundable, source: `the Sales API's ${productCurrency} figures (${sale.formattedTotalPrice})` };
}

export function gumroadMoney(ping: GumroadPing, sale: GumroadApiSale | null): GumroadMoney {
  const productCurrency = ping.currency ? normalizeCurrency(ping.currency) : null;
  if (sale) {
    const local = productCurrency && productCurrency !== 'USD' ? localFigures(productCurrency, sale) : null;
    if (local) return local;
    // A USD product's refundable amount is in USD; another product's cannot be read as USD.
    const refundable = productCurrency === 'USD' && sale.amountRefundableInCurrency !== null ? parseGumroadAmount(sale.amountRefundableInCurrency, 'USD') : null;
    return { currency: 'USD', gross: sale.priceUsdCents, refundable, source: 'the Sales API price (USD cents)' };
  }
  if (ping.price === null || ping.price === undefined) throw new Error(`Gumroad ping for sale ${ping.sale_id ?? '?'} carries no price`);
  const note = productCurrency && productCurrency !== 'USD' ? `; the product is priced in ${productCurrency}, which only the Sales API gives` : '';
  return { currency: 'USD', gross: ping.price, refundable: null, source: `the ping's price (USD cents${note})` };
}
