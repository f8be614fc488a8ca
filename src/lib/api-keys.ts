/** @module Merchant API keys: `hub_sk_…` (write) and `hub_rk_…` (read), 190 bits of randomness. */
import type { ApiKeyScope } from '../db/tables/api-key.table.js';
import { sha256Hex } from './hashing.js';
import { randomBase62 } from './ids.js';

const SCOPE_PREFIX: Record<ApiKeyScope, string> = { write: 'hub_sk_', read: 'hub_rk_' };

export interface GeneratedApiKey {
  /** Shown once to the caller, never stored. */
  key: string;
  hash: string;
  /** Enough of the key to recognise it in a list. */
  prefix: string;
}

export function generateApiKey(scope: ApiKeyScope): GeneratedApiKey {
  const key = `${SCOPE_PREFIX[scope]}${randomBase62(32)}`;
  return { key, hash: sha256Hex(key), prefix: key.slice(0, SCOPE_PREFIX[scope].length + 4) };
}
