/** @module When a waiting or failed event is tried again, and when the hub gives up on it. */

/** Seconds before attempt n+1 (n = attempts so far): quick at first, then hours, then twice a day. */
const SCHEDULE_SECONDS = [5, 15, 60, 300, 900, 3_600, 3 * 3_600, 6 * 3_600];
const EVERY_TWELVE_HOURS = 12 * 3_600;

/** Events still failing or waiting this long after they were received are marked `dead` (SPEC §6). */
export const GIVE_UP_AFTER_MS = 7 * 86_400_000;

export function nextAttemptDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = SCHEDULE_SECONDS[Math.max(0, attempts - 1)] ?? EVERY_TWELVE_HOURS;
  // ±10 % jitter so a burst of failures does not retry in lockstep.
  return Math.round(base * 1000 * (0.9 + random() * 0.2));
}
