/**
 * @module Fresh ids for a triggered delivery. The fixtures of one provider tell stories that share
 * ids (a sale, its refund, its dispute); `trigger` rewrites every id in a delivery the same way for
 * the same story key, so each story is a new order at the hub — not a re-delivery of the last one —
 * and a later trigger with the same `--story` refunds or disputes that same order.
 *
 * An id is a string shaped like a processor's (`pi_3Pz8…`, `txn_01hv…`: a lowercase prefix, `_`, then
 * at least 8 letters and digits, one a digit), or the value of a field named `id` or `…_id` (a
 * positive integer, a string of digits or an opaque token such as Gumroad's). A rewritten id keeps
 * its prefix and the kind of each character, so it still looks like the processor's.
 */
import { createHash } from 'node:crypto';

const PREFIXED_ID = /^([a-z]+_(?:live_|test_)?)([A-Za-z0-9]{8,})$/;
/** Hub attribution and the connection's GoPay account: never rewritten. */
const KEEP = new Set(['click_id', 'visitor_id', 'program_id', 'client_reference_id', 'goid']);

const isIdField = (key: string) => key === 'id' || key.endsWith('_id');

/** `original` rewritten for `story`: same length, same kind of character at each place. */
function rewriteToken(original: string, story: string): string {
  const digest = createHash('sha256').update(`${story}\u0000${original}`).digest();
  let index = 0;
  return original.replace(/[A-Za-z0-9]/g, (character) => {
    const byte = digest[index++ % digest.length] ?? 0;
    if (/[0-9]/.test(character)) return String(index === 1 ? 1 + (byte % 9) : byte % 10);
    const letter = String.fromCharCode(97 + (byte % 26));
    return /[A-Z]/.test(character) ? letter.toUpperCase() : letter;
  });
}

function rewriteString(value: string, story: string, inIdField: boolean): string {
  const prefixed = PREFIXED_ID.exec(value);
  if (prefixed?.[1] && prefixed[2] && /\d/.test(prefixed[2])) return `${prefixed[1]}${rewriteToken(prefixed[2], story)}`;
  return inIdField && value !== '' ? rewriteToken(value, story) : value;
}

/** A deep copy of `value` with every id rewritten for `story`. */
export function rewriteStoryIds<T>(value: T, story: string): T {
  const walk = (node: unknown, key: string | null): unknown => {
    if (key !== null && KEEP.has(key)) return node;
    if (typeof node === 'string') return rewriteString(node, story, key !== null && isIdField(key));
    // Integer ids become 9 digits whatever they were, so two stories' orders never share a number.
    if (typeof node === 'number' && key !== null && isIdField(key) && Number.isInteger(node) && node > 0) return Number(rewriteToken('100000000', `${story}:${node}`));
    if (Array.isArray(node)) return node.map((item) => walk(item, key));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([name, item]) => [name, walk(item, name)]));
    return node;
  };
  return walk(value, null) as T;
}

/** A new story key: 6 letters and digits. */
export function newStoryKey(): string {
  return createHash('sha256').update(`${Date.now()}:${Math.random()}`).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
}
