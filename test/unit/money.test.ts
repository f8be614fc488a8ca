import { describe, expect, it } from 'vitest';
import { currencyExponent, normalizeCurrency } from '../../src/lib/currencies.js';
import { formatMinorAsDecimal, minorToMajorNumber, parseMajorAmount, percentOfMinor, scaleRounded } from '../../src/lib/money.js';

describe('currencies', () => {
  it.each([
    ['usd', 'USD', 2],
    ['JPY', 'JPY', 0],
    [' kwd ', 'KWD', 3],
    ['krw', 'KRW', 0],
    ['BHD', 'BHD', 3],
    ['CLF', 'CLF', 4],
  ])('%s is %s with %i decimals', (input, code, exponent) => {
    expect(normalizeCurrency(input)).toBe(code);
    expect(currencyExponent(code)).toBe(exponent);
  });

  it.each(['XXX', 'XAU', 'US', 'USDT', '', 'dollar'])('%s is not a payable ISO 4217 currency', (input) => {
    expect(normalizeCurrency(input)).toBeNull();
  });
});

describe('parseMajorAmount', () => {
  it.each([
    ['99.99', 'USD', 9999],
    [99.99, 'USD', 9999],
    ['99.9', 'USD', 9990],
    [99, 'USD', 9900],
    ['0', 'USD', 0],
    ['0.01', 'USD', 1],
    ['1500', 'JPY', 1500],
    [1500, 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    [1.234, 'KWD', 1234],
    ['1.2', 'KWD', 1200],
    ['0.001', 'KWD', 1],
    [0.1, 'USD', 10],
    ['  12.50  ', 'EUR', 1250],
  ])('%j %s → %i minor units', (input, currency, minor) => {
    expect(parseMajorAmount(input, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ['9.999', 'USD', 'USD has 2 decimal places; "9.999" has 3'],
    ['1.5', 'JPY', 'JPY has no minor unit; "1.5" has decimals'],
    [1.5, 'JPY', 'JPY has no minor unit; "1.5" has decimals'],
    ['1.2345', 'KWD', 'KWD has 3 decimal places; "1.2345" has 4'],
    [0.1 + 0.2, 'USD', 'USD has 2 decimal places; "0.30000000000000004" has 17'],
    ['-5', 'USD', 'must not be negative'],
    [-5, 'USD', 'must not be negative'],
    ['1e3', 'USD', '"1e3" is not a decimal number'],
    [1e21, 'USD', '"1e+21" is not a decimal number'],
    ['12,50', 'EUR', '"12,50" is not a decimal number'],
    ['', 'USD', '"" is not a decimal number'],
    [Number.NaN, 'USD', 'must be a finite number'],
    [Number.POSITIVE_INFINITY, 'USD', 'must be a finite number'],
    [true, 'USD', 'must be a number or a decimal string'],
    [null, 'USD', 'must be a number or a decimal string'],
    ['99999999999999999', 'USD', 'is too large'],
  ])('%j %s is refused: %s', (input, currency, message) => {
    expect(parseMajorAmount(input, currency)).toEqual({ ok: false, message });
  });
});

describe('formatting minor units', () => {
  it.each([
    [9999, 'USD', '99.99', 99.99],
    [5, 'USD', '0.05', 0.05],
    [-250, 'USD', '-2.50', -2.5],
    [1500, 'JPY', '1500', 1500],
    [1234, 'KWD', '1.234', 1.234],
    [1, 'KWD', '0.001', 0.001],
    [0, 'KWD', '0.000', 0],
  ])('%i %s → %s', (minor, currency, text, number) => {
    expect(formatMinorAsDecimal(minor, currency)).toBe(text);
    expect(minorToMajorNumber(minor, currency)).toBe(number);
  });

  it('refuses non-integer minor units', () => {
    expect(() => formatMinorAsDecimal(1.5, 'USD')).toThrow(/safe integer/);
  });
});

describe('rounding half away from zero', () => {
  it.each([
    [10, 1, 4, 3], // 2.5 → 3
    [-10, 1, 4, -3], // -2.5 → -3
    [10, 1, 3, 3], // 3.33 → 3
    [20, 1, 3, 7], // 6.67 → 7
    [7, 1, 2, 4], // 3.5 → 4
    [-7, 1, 2, -4],
    [1999, 2000, 3998, 1000], // 999.5 → 1000
  ])('%i × %i / %i = %i', (value, numerator, denominator, expected) => {
    expect(scaleRounded(value, numerator, denominator)).toBe(expected);
  });

  it('percent of an amount in basis points', () => {
    expect(percentOfMinor(9999, 2000)).toBe(2000); // 19.998 → 20.00 USD
    expect(percentOfMinor(1250, 1250)).toBe(156); // 156.25 → 156 JPY
    expect(percentOfMinor(1005, 5000)).toBe(503); // 502.5 → 503 fils (KWD)
    expect(percentOfMinor(1, 5000)).toBe(1); // 0.5 → 1
  });

  it('stays exact for amounts far beyond float precision of the product', () => {
    // 9e14 × 3333 = 3.0e18 > 2^53: a float multiply would lose the last digits.
    expect(scaleRounded(900_000_000_000_001, 3333, 10_000)).toBe(299_970_000_000_000);
  });
});
