/**
 * The corpus for the hub's own write paths: `POST /api/v1/conversions` (with a write key, mostly)
 * and `GET|POST /api/postback/:campaignId` (with and without a key), their bodies and query strings
 * mutated as the webhook corpus mutates deliveries. Only a write key may create a conversion, so a
 * request without one must never get a 2xx.
 */
import { mutateBody, type BaseBody } from './body-mutations.js';
import { mutateEnvelope } from './envelope-mutations.js';
import { caseRandom, type FuzzCase } from './fuzz-case.js';
import type { FaultMerchant } from './hub-api.js';
import type { Json } from './json-paths.js';
import type { SeededRandom } from './seeded-random.js';

export interface ApiTargets {
  merchant: FaultMerchant;
  /** Campaigns of the merchant the postback may name (each has its own per-IP rate limit). */
  campaignIds: readonly string[];
}

type KeyChoice = 'write' | 'read' | 'none' | 'unknown' | 'garbage';

function keyOf(choice: KeyChoice, merchant: FaultMerchant, random: SeededRandom): string | null {
  switch (choice) {
    case 'write':
      return merchant.writeKey;
    case 'read':
      return merchant.readKey;
    case 'none':
      return null;
    case 'unknown':
      return `hub_sk_${'A'.repeat(40)}`;
    case 'garbage':
      return random.pick(['', 'Bearer', 'x'.repeat(9_000), 'hub_sk_%00', `${merchant.writeKey}x`]);
  }
}

/** A query string from the bytes of a mutated form: printable ASCII (and `%`, so bad escapes survive) as is, the rest escaped. */
function asQuery(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) text += byte > 0x20 && byte < 0x7f && byte !== 0x23 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return text;
}

function authHeaders(random: SeededRandom, key: string | null): Record<string, string> {
  if (key === null) return {};
  return random.chance(0.5) ? { Authorization: `Bearer ${key}` } : { 'X-Api-Key': key };
}

/** A conversions API request: a valid body for the merchant's click, mutated. */
export function conversionApiCase(targets: ApiTargets, seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index);
  const { merchant } = targets;
  const attribution = random.pick<Record<string, Json>>([{ clickId: merchant.clickId }, { affiliateId: merchant.affiliateId }, { visitorId: merchant.visitorId }]);
  const base: BaseBody = {
    format: 'json',
    document: {
      campaignId: merchant.campaignId, ...attribution, amount: random.pick(['99.00', 12.5, '0.01', 1500]), currency: random.pick(['USD', 'usd', 'JPY', 'KWD']),
      orderId: `fuzz-api-${seed}-${index}`, customerEmail: 'buyer@example.com', eventType: random.pick(['sale', 'lead', 'signup', 'trial']), metadata: { campaign: 'fuzz', nested: { level: 1 } },
    },
  };
  const keyChoice = random.pick<KeyChoice>(['write', 'write', 'write', 'write', 'write', 'read', 'none', 'unknown', 'garbage']);
  const mutated = mutateBody(random, base);
  const query = random.chance(0.2) ? `?${random.pick(['a=%E0%A4%A', 'page=-1', 'perPage=1e9', '%00=1', `x=${'q'.repeat(5_000)}`, 'campaignId[]=1'])}` : '';
  const envelope = mutateEnvelope(random, {
    method: 'POST', path: `/api/v1/conversions${query}`, headers: { 'Content-Type': 'application/json', ...authHeaders(random, keyOf(keyChoice, merchant, random)) }, body: mutated.body,
  }, null);
  return {
    label: `conversions #${index} key ${keyChoice}: ${mutated.mutation} (${mutated.note}); ${envelope.note}`,
    request: envelope,
    mayReset: Boolean(mutated.mayReset) || envelope.mayReset,
    mayBeStored: keyChoice === 'write',
  };
}

/** A postback, as a GET with query parameters or a POST with a JSON or form body; the key in a header, the query, or nowhere. */
export function postbackCase(targets: ApiTargets, seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index);
  const { merchant } = targets;
  const campaignId = random.chance(0.9) ? random.pick(targets.campaignIds) : random.pick(['camp_unknown000000000000', '%E0%A4%A', 'c'.repeat(3_000), '%00', '..']);
  const keyChoice = random.pick<KeyChoice>(['write', 'write', 'write', 'read', 'none', 'none', 'unknown', 'garbage']);
  const key = keyOf(keyChoice, merchant, random);
  const keyInQuery = key !== null && random.chance(0.4);
  const pairs: [string, string][] = [
    ['order_id', `fuzz-pb-${seed}-${index}`], ['amount', random.pick(['49.90', '10', '0.5'])], [random.chance(0.5) ? 'click_id' : 'visitor_id', random.chance(0.5) ? merchant.clickId : merchant.visitorId],
    ['currency', random.pick(['USD', 'eur'])], ['sub_id', 'banner-7'], ['customer_id', 'cust-42'],
  ];
  const shape = random.pick(['get', 'get', 'post-json', 'post-form'] as const);
  const keyPair: [string, string][] = keyInQuery ? [['api_key', key]] : [];
  const headers = keyInQuery ? {} : authHeaders(random, key);
  let method = 'GET';
  let path: string;
  let body: Buffer | undefined;
  let note: string;
  let mayReset: boolean;
  if (shape === 'get') {
    const mutated = mutateBody(random, { format: 'form', pairs: [...pairs, ...keyPair] });
    path = `/api/postback/${campaignId}?${asQuery(mutated.body)}`;
    note = `GET ${mutated.mutation} (${mutated.note})`;
    mayReset = Boolean(mutated.mayReset);
  } else {
    method = 'POST';
    const base: BaseBody = shape === 'post-json' ? { format: 'json', document: Object.fromEntries(pairs) } : { format: 'form', pairs };
    const mutated = mutateBody(random, base);
    body = mutated.body;
    mayReset = Boolean(mutated.mayReset);
    path = `/api/postback/${campaignId}${keyInQuery ? `?api_key=${encodeURIComponent(key)}` : ''}`;
    note = `${shape} ${mutated.mutation} (${mutated.note})`;
  }
  const contentType: Record<string, string> = shape === 'post-json' ? { 'Content-Type': 'application/json' } : shape === 'post-form' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {};
  const envelope = mutateEnvelope(random, { method, path, headers: { ...contentType, ...headers }, body }, null);
  return {
    label: `postback #${index} key ${keyChoice}${keyInQuery ? ' in query' : ''}: ${note}; ${envelope.note}`,
    request: envelope,
    mayReset: mayReset || envelope.mayReset,
    mayBeStored: keyChoice === 'write',
  };
}
