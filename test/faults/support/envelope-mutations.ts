/**
 * The mutation corpus for everything around a body: wrong or missing content types, ~70 KB of
 * headers, compressed bodies that lie (gzip declared but plain, gzip undeclared, cut short, or a
 * small gzip that inflates past the 1 MiB limit), unknown encodings, chunked transfer, a repeated
 * signature header, other methods, junk query strings and malformed paths.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { SeededRandom } from './seeded-random.js';

export interface WireRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
  chunked?: boolean;
}

export interface MutatedEnvelope extends WireRequest {
  note: string;
  /** The hub may close the connection instead of answering (headers or an inflated body over the limit). */
  mayReset: boolean;
}

const CONTENT_TYPES = [
  null, 'text/plain', 'application/xml', 'multipart/form-data; boundary=fault', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16',
  'application/json; charset=latin1', 'application/jsonp', '*/*', 'application/json, text/plain', `application/${'j'.repeat(300)}`, 'application/vnd.api+json', ';;;',
];
const QUERY_JUNK = [
  'a=%E0%A4%A', `x=${'q'.repeat(10_000)}`, '%00=1', 'token=&token=x', '&&&', 'id=1&id=2', '__proto__[polluted]=1', 'a[b][c][d]=1', '%', '=', 'id=%ED%A0%80', 'id=%FF%FE',
];
const LYING_ENCODINGS = ['compress', 'gzip, br', 'identity, gzip', 'x-unknown', 'GZIP', ' gzip ', 'deflate', 'br'];

function withHeader(headers: Record<string, string | string[]>, name: string, value: string | string[] | null): Record<string, string | string[]> {
  const next = Object.fromEntries(Object.entries(headers).filter(([existing]) => existing.toLowerCase() !== name.toLowerCase()));
  if (value !== null) next[name] = value;
  return next;
}

function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const found = Object.entries(headers).find(([existing]) => existing.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(found) ? found[0] : found;
}

function appendQuery(path: string, query: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

interface EnvelopeMutation {
  weight: number;
  apply(random: SeededRandom, request: WireRequest, signatureHeader: string | null): MutatedEnvelope;
}

const MUTATIONS: EnvelopeMutation[] = [
  { weight: 55, apply: (_random, request) => ({ ...request, note: 'plain envelope', mayReset: false }) },
  {
    weight: 6, apply(random, request) {
      const type = random.pick(CONTENT_TYPES);
      return { ...request, headers: withHeader(request.headers, 'Content-Type', type), note: `Content-Type ${type ?? 'absent'}`, mayReset: false };
    },
  },
  {
    weight: 2, apply(random, request) {
      const size = random.pick([70_000, 72_000]);
      return { ...request, headers: { ...request.headers, 'X-Fault-Padding': 'h'.repeat(size) }, note: `one ${size}-byte header`, mayReset: true };
    },
  },
  {
    weight: 1, apply(_random, request) {
      const many = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`X-Fault-${index}`, 'v'.repeat(350)]));
      return { ...request, headers: { ...request.headers, ...many }, note: '200 headers, ~70 KB', mayReset: true };
    },
  },
  {
    weight: 3, apply(_random, request) {
      const body = gzipSync(request.body ?? Buffer.alloc(0));
      return { ...request, body, headers: withHeader(request.headers, 'Content-Encoding', 'gzip'), note: 'gzip, declared', mayReset: false };
    },
  },
  { weight: 2, apply: (_random, request) => ({ ...request, headers: withHeader(request.headers, 'Content-Encoding', 'gzip'), note: 'gzip declared, body plain', mayReset: false }) },
  { weight: 2, apply: (_random, request) => ({ ...request, body: gzipSync(request.body ?? Buffer.alloc(0)), note: 'gzip body, not declared', mayReset: false }) },
  {
    weight: 2, apply(random, request) {
      const body = gzipSync(request.body ?? Buffer.alloc(0));
      const cut = random.int(Math.max(body.length - 1, 1));
      return { ...request, body: body.subarray(0, cut), headers: withHeader(request.headers, 'Content-Encoding', 'gzip'), note: `gzip cut at ${cut} of ${body.length}`, mayReset: false };
    },
  },
  {
    weight: 1, apply(random, request) {
      const inflated = random.pick([2, 8]) * 1024 * 1024;
      const body = gzipSync(Buffer.alloc(inflated, 0x20));
      return { ...request, body, headers: withHeader(request.headers, 'Content-Encoding', 'gzip'), note: `${body.length}-byte gzip inflating to ${inflated} bytes`, mayReset: true };
    },
  },
  {
    weight: 2, apply(random, request) {
      const encoding = random.pick(LYING_ENCODINGS);
      const plain = request.body ?? Buffer.alloc(0);
      const body = encoding === 'deflate' && random.chance(0.5) ? deflateSync(plain) : encoding === 'br' && random.chance(0.5) ? brotliCompressSync(plain) : plain;
      return { ...request, body, headers: withHeader(request.headers, 'Content-Encoding', encoding), note: `Content-Encoding ${JSON.stringify(encoding)}${body === plain ? ', body plain' : ''}`, mayReset: false };
    },
  },
  { weight: 3, apply: (_random, request) => ({ ...request, chunked: true, note: 'chunked transfer', mayReset: false }) },
  {
    weight: 3, apply(random, request, signatureHeader) {
      if (!signatureHeader) return { ...request, note: 'plain envelope (no signature header to repeat)', mayReset: false };
      const value = headerValue(request.headers, signatureHeader) ?? '';
      const other = random.pick(['', 'v1=00', value.split('').reverse().join(''), value]);
      return { ...request, headers: withHeader(request.headers, signatureHeader, [value, other]), note: `${signatureHeader} sent twice`, mayReset: false };
    },
  },
  {
    weight: 3, apply(random, request) {
      const method = random.pick(['PUT', 'PATCH', 'DELETE', 'GET', 'OPTIONS', 'HEAD']);
      // node refuses to send a body with HEAD/GET reliably only without one; keep the body for the others.
      const body = method === 'GET' || method === 'HEAD' ? undefined : request.body;
      return { ...request, method, body, note: `method ${method}`, mayReset: false };
    },
  },
  {
    weight: 4, apply(random, request) {
      const query = random.pick(QUERY_JUNK);
      return { ...request, path: appendQuery(request.path, query), note: `query ${query.slice(0, 40)}`, mayReset: false };
    },
  },
  {
    weight: 3, apply(random, request) {
      const [pathOnly = '', query] = request.path.split('?');
      const parts = pathOnly.split('/');
      const variants = [
        () => [...parts.slice(0, -1), '%E0%A4%A'].join('/'),
        () => [...parts.slice(0, -1), 'con_doesnotexist000000'].join('/'),
        () => ['', 'webhooks', 'unknown', parts[parts.length - 1]].join('/'),
        () => `${pathOnly}/`,
        () => `${pathOnly}/extra`,
        () => [...parts.slice(0, -1), '%2e%2e%2fadmin'].join('/'),
        () => [...parts.slice(0, -1), 'c'.repeat(5_000)].join('/'),
      ];
      const path = random.pick(variants)();
      return { ...request, path: query === undefined ? path : `${path}?${query}`, note: `path ${path.slice(0, 60)}`, mayReset: false };
    },
  },
];

export function mutateEnvelope(random: SeededRandom, request: WireRequest, signatureHeader: string | null): MutatedEnvelope {
  const total = MUTATIONS.reduce((sum, mutation) => sum + mutation.weight, 0);
  let roll = random.next() * total;
  for (const mutation of MUTATIONS) {
    roll -= mutation.weight;
    if (roll < 0) return mutation.apply(random, request, signatureHeader);
  }
  return { ...request, note: 'plain envelope', mayReset: false };
}
