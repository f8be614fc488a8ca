/**
 * @module Money as integer minor units.
 *
 * Every amount inside the hub is an integer count of the currency's minor unit (cents, yen, fils).
 * Major-unit text is converted by string arithmetic and ratios are computed with BigInt, so no
 * floating-point operation ever touches a monetary value.
 */
import { currencyExponent } from './currencies.js';

/** The largest minor-unit amount accepted anywhere: far above any real sale, far below 2^53. */
export const MAX_MINOR_AMOUNT = 1_000_000_000_000_000;

export type ParseAmountResult = { ok: true; minor: number } | { ok: false; message: string };

const DECIMAL_PATTERN = /^(\d+)(?:\.(\d+))?$/;

/**
 * Converts a major-unit amount given as a number (`99.5`) or a decimal string (`"99.50"`) into
 * minor units of `currency`. More decimals than the currency has is an error, never a rounding.
 */
export function parseMajorAmount(input: unknown, currency: string): ParseAmountResult {
  const exponent = currencyExponent(currency);
  const result = parseScaledDecimal(input, exponent, MAX_MINOR_AMOUNT);
  if (result.ok) return { ok: true, minor: result.value };
  if (!result.tooManyDecimals) return { ok: false, message: result.message };
  return {
    ok: false,
    message: exponent === 0
      ? `${currency} has no minor unit; "${result.text}" has decimals`
      : `${currency} has ${exponent} decimal places; "${result.text}" has ${result.decimals}`,
  };
}

type ScaledDecimalResult =
  | { ok: true; value: number }
  | { ok: false; message: string; tooManyDecimals: false }
  | { ok: false; message: string; tooManyDecimals: true; text: string; decimals: number };

/**
 * Parses a non-negative decimal (number or string) into an integer scaled by 10^scale, exactly:
 * `("12.5", 2)` → 1250. Used for money and for percentage rates with two decimals.
 */
export function parseScaledDecimal(input: unknown, scale: number, max: number): ScaledDecimalResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: 'must be a finite number', tooManyDecimals: false };
    // String() gives the shortest text that round-trips, so 0.1 stays "0.1"; exponent forms are refused below.
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { ok: false, message: 'must be a number or a decimal string', tooManyDecimals: false };
  }
  if (text.startsWith('-')) return { ok: false, message: 'must not be negative', tooManyDecimals: false };
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return { ok: false, message: `"${text}" is not a decimal number`, tooManyDecimals: false };
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > scale) {
    return { ok: false, message: `"${text}" has more than ${scale} decimal places`, tooManyDecimals: true, text, decimals: fraction.length };
  }
  const scaled = BigInt(whole) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
  if (scaled > BigInt(max)) return { ok: false, message: 'is too large', tooManyDecimals: false };
  return { ok: true, value: Number(scaled) };
}

/** Formats an integer scaled by 10^scale as decimal text: `(1250, 2)` → `"12.50"`. */
export function formatScaledDecimal(value: number, scale: number): string {
  assertMinorInteger(value);
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** Converts minor units to a decimal string in major units (`1234, "KWD"` → `"1.234"`). */
export function formatMinorAsDecimal(minor: number, currency: string): string {
  return formatScaledDecimal(minor, currencyExponent(currency));
}

/**
 * Major units as a JSON number, for API responses (SPEC §2). The number is produced by parsing the
 * exact decimal text, so it is the closest double to the true value; no arithmetic is done on it.
 */
export function minorToMajorNumber(minor: number, currency: string): number {
  return Number(formatMinorAsDecimal(minor, currency));
}

/** `value × numerator / denominator`, rounded half away from zero, in exact integer arithmetic. */
export function scaleRounded(value: number, numerator: number, denominator: number): number {
  assertMinorInteger(value);
  if (denominator === 0) throw new Error('scaleRounded: zero denominator');
  const product = BigInt(value) * BigInt(numerator);
  const divisor = BigInt(denominator);
  const negative = (product < 0n) !== (divisor < 0n);
  const absoluteProduct = product < 0n ? -product : product;
  const absoluteDivisor = divisor < 0n ? -divisor : divisor;
  const quotient = absoluteProduct / absoluteDivisor;
  const remainder = absoluteProduct % absoluteDivisor;
  const rounded = remainder * 2n >= absoluteDivisor ? quotient + 1n : quotient;
  return Number(negative ? -rounded : rounded);
}

/** Percent of an amount where the rate is in basis points (hundredths of a percent: 12.5 % = 1250). */
export function percentOfMinor(minor: number, rateBasisPoints: number): number {
  return scaleRounded(minor, rateBasisPoints, 10_000);
}

function assertMinorInteger(value: number): void {
  if (!Number.isSafeInteger(value)) throw new Error(`money must be a safe integer of minor units, got ${value}`);
}
