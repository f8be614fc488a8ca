import { describe, expect, it } from 'vitest';
import { addUtcMonths, utcMonthOf } from '../../src/engine/ledger/calendar.js';
import {
  commissionBaseAmount,
  computeCommission,
  entitledCommissionAfterRefund,
  netAmount,
  tierRateBasisPoints,
} from '../../src/engine/ledger/commission.js';

describe('commission base', () => {
  const amounts = { gross: 12000, tax: 2000, shipping: 500, discount: 300 };
  it('net is gross minus tax and shipping', () => {
    expect(netAmount(amounts)).toBe(9500);
    expect(commissionBaseAmount('net', amounts)).toBe(9500);
    expect(commissionBaseAmount('gross', amounts)).toBe(12000);
  });
  it('net never goes below zero', () => {
    expect(netAmount({ gross: 100, tax: 0, shipping: 500, discount: 0 })).toBe(0);
  });
});

describe('computeCommission', () => {
  const base = { saleCurrency: 'USD', campaignCurrency: 'USD', monthlyConversionCount: 1 };
  it('percent rounds half away from zero to the minor unit', () => {
    expect(computeCommission({ ...base, rule: { type: 'percent', rateBasisPoints: 1250 }, baseAmount: 1002 })).toEqual({ commission: 125, rateBasisPoints: 1250, statusReason: null });
    expect(computeCommission({ ...base, rule: { type: 'percent', rateBasisPoints: 1250 }, baseAmount: 1004 })).toEqual({ commission: 126, rateBasisPoints: 1250, statusReason: null });
  });
  it('percent of a zero-decimal and a three-decimal currency', () => {
    expect(computeCommission({ ...base, saleCurrency: 'JPY', campaignCurrency: 'JPY', rule: { type: 'percent', rateBasisPoints: 1500 }, baseAmount: 4990 }).commission).toBe(749);
    expect(computeCommission({ ...base, saleCurrency: 'KWD', campaignCurrency: 'KWD', rule: { type: 'percent', rateBasisPoints: 1500 }, baseAmount: 12345 }).commission).toBe(1852);
  });
  it('flat is the campaign amount, whatever the sale', () => {
    expect(computeCommission({ ...base, rule: { type: 'flat', amountMinor: 500 }, baseAmount: 10 })).toEqual({ commission: 500, rateBasisPoints: null, statusReason: null });
  });
  it('flat in another currency than the sale earns nothing and says why', () => {
    expect(computeCommission({ ...base, saleCurrency: 'EUR', rule: { type: 'flat', amountMinor: 500 }, baseAmount: 10000 }))
      .toEqual({ commission: 0, rateBasisPoints: null, statusReason: 'currency_mismatch' });
  });
  it('tiered takes the rate of the highest tier reached', () => {
    const tiers = [{ from: 1, rateBasisPoints: 2000 }, { from: 11, rateBasisPoints: 2500 }, { from: 50, rateBasisPoints: 3000 }];
    expect(tierRateBasisPoints(tiers, 1)).toBe(2000);
    expect(tierRateBasisPoints(tiers, 10)).toBe(2000);
    expect(tierRateBasisPoints(tiers, 11)).toBe(2500);
    expect(tierRateBasisPoints(tiers, 75)).toBe(3000);
    expect(computeCommission({ ...base, monthlyConversionCount: 11, rule: { type: 'tiered', tiers }, baseAmount: 10000 }).commission).toBe(2500);
  });
});

describe('entitled commission after refunds', () => {
  it('is pro rata of what is left, rounded half away from zero', () => {
    expect(entitledCommissionAfterRefund(2000, 10000, 0)).toBe(2000);
    expect(entitledCommissionAfterRefund(2000, 10000, 100)).toBe(1980); // a $1 refund of $100 costs 1 %, not everything
    expect(entitledCommissionAfterRefund(2000, 10000, 2500)).toBe(1500);
    expect(entitledCommissionAfterRefund(333, 1000, 500)).toBe(167); // 166.5 → 167
    expect(entitledCommissionAfterRefund(2000, 10000, 10000)).toBe(0);
    expect(entitledCommissionAfterRefund(2000, 10000, 12000)).toBe(0);
  });
  it('works for JPY and KWD amounts', () => {
    expect(entitledCommissionAfterRefund(750, 5000, 1250)).toBe(563); // 562.5 → 563 yen
    expect(entitledCommissionAfterRefund(1852, 12345, 2345)).toBe(1500); // 1500.2 → 1.500 KWD
  });
});

describe('calendar', () => {
  it('finds the UTC month around an instant', () => {
    expect(utcMonthOf(new Date('2026-02-28T23:59:59Z'))).toEqual({ from: new Date('2026-02-01T00:00:00Z'), until: new Date('2026-03-01T00:00:00Z') });
    expect(utcMonthOf(new Date('2026-12-15T00:00:00Z')).until).toEqual(new Date('2027-01-01T00:00:00Z'));
  });
  it('adds months clamping the day', () => {
    expect(addUtcMonths(new Date('2026-01-31T10:00:00Z'), 1)).toEqual(new Date('2026-02-28T10:00:00Z'));
    expect(addUtcMonths(new Date('2026-01-15T10:00:00Z'), 12)).toEqual(new Date('2027-01-15T10:00:00Z'));
  });
});
