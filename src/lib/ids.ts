/** @module Opaque prefixed identifiers (`conv_…`, `aff_…`), random and URL-safe. */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'mer' | 'camp' | 'aff' | 'clk' | 'vis' | 'conv' | 'ev' | 'con' | 'we' | 'key' | 'lnk' | 'whd' | 'msg';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 22 base-62 characters: ~131 bits of randomness. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(22)}`;
}

export function randomBase62(length: number): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

const ID_PATTERN = /^[a-z]+_[0-9A-Za-z]{1,64}$/;

/** True when `value` looks like an id with this prefix; used to keep junk out of queries and cookies. */
export function hasIdShape(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && ID_PATTERN.test(value);
}
