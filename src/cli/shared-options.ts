/** @module What every CLI command shares: where the hub is, the key to use, and parsing of option values. */
import { InvalidArgumentError, type Command } from 'commander';

export interface HubOptions {
  hub: string;
  key?: string;
}

/** The program's own options (`--hub`, `--key`) as seen from one of its commands. */
export function hubOptions(command: Command): { hub: string; key: string | null } {
  const options = command.optsWithGlobals<HubOptions>();
  return { hub: options.hub, key: options.key ?? null };
}

export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(value);
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a number above 0');
  return number;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `15m`, `12h`, `2d`, `1w` → milliseconds. */
export function duration(value: string): number {
  const match = /^(\d+)([smhdw])$/.exec(value.trim());
  if (!match?.[1] || !match[2]) throw new InvalidArgumentError('must be a number and a unit: 90s, 15m, 12h, 2d or 1w');
  return Number(match[1]) * (UNIT_MS[match[2]] ?? 0);
}
