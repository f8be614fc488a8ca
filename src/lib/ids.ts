/** @module Opaque prefixed identifiers (`conv_…`, `aff_…`), random and URL-safe. */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'mer' | 'camp' | 'aff' | 'clk' | 'vis' | 'conv' | 'ev' | 'con' | 'we' | 'key' | 'lnk' | 'whd' | 'msg' | 'rec' | 'pkey';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 22 base-62 characters: ~131 bits of randomness. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(22)}`;
}

/**
 * Random bytes are drawn from the CSPRNG a few kilobytes at a time and handed out once each (as
 * node's randomUUID does): one system call per few hundred ids instead of one per id.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomByte(): number {
  if (poolOffset >= pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const byte = pool[poolOffset] ?? 0;
  poolOffset += 1;
  return byte;
}

export function randomBase62(length: number): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

const ID_PATTERN = /^[a-z]+_[0-9A-Za-z]{1,64}$/;

/** True when `value` looks like an id with this prefix; used to keep junk out of queries and cookies. */
export function hasIdShape(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && ID_PATTERN.test(value);
}
