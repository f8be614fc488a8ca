/**
 * The GoPay part of the webhook corpus. GoPay signs nothing: it notifies with `GET …?id=<paymentId>`
 * and the hub asks GoPay's API (here the local double) what happened. So the corpus mutates the
 * notification itself — the id (huge, negative, zero, not a number, non-ASCII digits, bad escapes,
 * repeated), the method (GET, POST with the id in the query, a form or JSON) — and then the body and
 * envelope as for every processor. A notification with no digit in its id must never be stored.
 */
import { mutateBody } from './body-mutations.js';
import { mutateEnvelope } from './envelope-mutations.js';
import type { FuzzCase } from './fuzz-case.js';
import { caseRandom } from './fuzz-case.js';
import type { SeededRandom } from './seeded-random.js';

const ODD_IDS = [
  '0', '-1', '00003000006529', ' 3000006529 ', '9223372036854775807', '9223372036854775808', '99999999999999999999', '1e5', '0x10', '3.5', 'abc', '',
  '١٢٣', '３０００', '%00', '%ED%A0%80', '%E0%A4%A', '%FF', '3000006529%00', `${'9'.repeat(10_000)}`, 'null', '[]', '{"id":1}', '+5', '5 5',
];

function paymentId(random: SeededRandom, knownIds: readonly number[]): string {
  const roll = random.next();
  if (roll < 0.3) return String(random.pick(knownIds));
  if (roll < 0.6) return String(random.between(1, 2_000_000_000) * 10 + random.int(10));
  return random.pick(ODD_IDS);
}

/** Whether the hub can read a payment id at all: one digit somewhere in the first `id` of the query, or a body to look in. */
function mayCarryPaymentId(path: string, body: Buffer | undefined): boolean {
  if (body !== undefined && body.length > 0) return true;
  const query = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  const id = new URLSearchParams(query).get('id');
  return id !== null && /\d/.test(id);
}

export function gopayNotificationCase(connectionId: string, knownIds: readonly number[], seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index);
  const id = paymentId(random, knownIds);
  const base = `/webhooks/gopay/${connectionId}`;
  const shape = random.pick(['get', 'get', 'get', 'get', 'post-query', 'post-form', 'post-json', 'get-no-id'] as const);
  let method = 'GET';
  // Sent raw when it is printable ASCII (so a bad escape reaches the hub as it is), else encoded.
  const queryId = /^[\x21-\x7e]*$/.test(id) ? id : encodeURIComponent(id);
  let path = `${base}?id=${queryId}`;
  let mayReset = false;
  let body: Buffer | undefined;
  let headers: Record<string, string> = { 'User-Agent': 'GoPay notification' };
  let note: string = shape;
  if (shape === 'get-no-id') path = base;
  if (shape === 'post-query') method = 'POST';
  if (shape === 'post-form' || shape === 'post-json') {
    method = 'POST';
    path = base;
    const mutated = mutateBody(random, shape === 'post-form' ? { format: 'form', pairs: [['id', id]] } : { format: 'json', document: { id } });
    body = mutated.body;
    mayReset = Boolean(mutated.mayReset);
    headers = { ...headers, 'Content-Type': shape === 'post-form' ? 'application/x-www-form-urlencoded' : 'application/json' };
    note = `${shape}: ${mutated.mutation} (${mutated.note})`;
  }
  const envelope = mutateEnvelope(random, { method, path, headers, body }, null);
  return {
    label: `gopay #${index} id ${JSON.stringify(id.slice(0, 40))}: ${note}; ${envelope.note}`,
    request: envelope,
    mayReset: mayReset || envelope.mayReset,
    mayBeStored: mayCarryPaymentId(envelope.path, envelope.body),
  };
}
