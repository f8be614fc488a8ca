/** @module UTC calendar arithmetic for monthly caps, tiers and windows. */

/** The UTC calendar month containing `instant`, as [from, until). */
export function utcMonthOf(instant: Date): { from: Date; until: Date } {
  const from = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  const until = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth() + 1, 1));
  return { from, until };
}

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * 86_400_000);
}

/** Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addUtcMonths(instant: Date, months: number): Date {
  const target = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth() + months, 1,
    instant.getUTCHours(), instant.getUTCMinutes(), instant.getUTCSeconds(), instant.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(instant.getUTCDate(), lastDay));
  return target;
}
