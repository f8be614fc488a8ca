/**
 * @module Reading request bodies from untrusted senders, for every route: the 1 MiB limit is
 * enforced before and while the body streams (a declared `Content-Length` over it is refused
 * without reading a byte; a chunked or compressed body is cut the moment it passes it), compressed
 * bodies are inflated (signatures are over the plain bytes), and a body cut short is a 400.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HubError, ValidationError } from '../contract/errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export function payloadTooLarge(): HubError {
  return new HubError('payload_too_large', 'request body is larger than 1 MiB');
}

/** Whether the request says it carries a body (a length above zero, or chunked). */
export function declaresBody(req: Pick<IncomingMessage, 'headers'>): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A declared length over the limit: refused before anything is read. */
export function declaresTooMuch(req: Pick<IncomingMessage, 'headers'>, limit: number = MAX_BODY_BYTES): boolean {
  return Number(req.headers['content-length'] ?? 0) > limit;
}

function decoded(req: IncomingMessage): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  switch (encoding) {
    case 'identity':
      return req;
    case 'gzip':
    case 'x-gzip':
      return req.pipe(createGunzip());
    case 'deflate':
      return req.pipe(createInflate());
    case 'br':
      return req.pipe(createBrotliDecompress());
    default:
      throw new HubError('unsupported_media_type', `unsupported content encoding "${encoding}"`);
  }
}

/**
 * The body as bytes, at most `limit` after decompression. On any refusal the rest of the body is
 * left unread: the error response closes the connection (see `errorResponse`).
 */
export function readRequestBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<Buffer> {
  if (declaresTooMuch(req, limit)) return Promise.reject(payloadTooLarge());
  let source: Readable;
  try {
    source = decoded(req);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const stopReading = () => {
      req.unpipe();
      req.pause();
      if (source !== req) source.destroy();
    };
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        stopReading();
        settle(() => reject(payloadTooLarge()));
        return;
      }
      chunks.push(chunk);
    };
    source.on('data', onData);
    source.on('end', () => settle(() => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, length))));
    source.on('error', () => {
      stopReading();
      settle(() => reject(new ValidationError('request body could not be read (cut short or not validly encoded)')));
    });
    req.on('aborted', () => settle(() => reject(new ValidationError('request body was cut short'))));
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; bytes that are not UTF-8 are a 400, not a silent replacement character. */
export function utf8Text(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new ValidationError('request body is not valid UTF-8', [{ field: 'body', message: 'must be UTF-8 text' }]);
  }
}
