/**
 * @module WooCommerce's decimal strings as integer minor units, exactly.
 *
 * Woo formats money with the store's own number of decimals (`wc_format_decimal($x, $dp)`), which
 * need not be the currency's: a USD store set to three decimals sends `"29.350"`, a JPY store set to
 * two sends `"4990.00"`. Trailing zeros beyond the currency's minor unit are dropped (that changes no
 * value); any other extra digit is refused, never rounded. Refunds come negative: the sign is read
 * by the caller, the amount is its magnitude.
 */
import { currencyExponent } from '../../src/lib/currencies.js';
import { parseMajorAmount } from '../../src/lib/money.js';

function withoutSurplusZeros(text: string, exponent: number): string {
  const match = /^(\d+)\.(\d+)$/.exec(text);
  if (!match || (match[2] ?? '').length <= exponent) return text;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction.length === 0 ? (match[1] ?? text) : `${match[1] ?? ''}.${fraction}`;
}

/** The magnitude of a Woo amount in minor units of `currency`; `what` names the field in the error. */
export function wooMinorAmount(value: string, currency: string, what: string): number {
  const text = value.trim().replace(/^-/, '');
  const parsed = parseMajorAmount(withoutSurplusZeros(text, currencyExponent(currency)), currency);
  if (!parsed.ok) throw new Error(`${what} "${value}" is not an amount in ${currency}: ${parsed.message}`);
  return parsed.minor;
}
