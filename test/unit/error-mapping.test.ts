/** The one error mapping: what a database refusal becomes for the client. */
import { describe, expect, it } from 'vitest';
import { toHubError } from '../../src/http/error-handler.js';

function databaseError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toHubError', () => {
  it('makes text the database cannot store (NUL) a 400, wherever it slipped past the edge checks', () => {
    for (const error of [databaseError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), databaseError('22P05', 'unsupported Unicode escape sequence')]) {
      const mapped = toHubError(error);
      expect(mapped.code).toBe('invalid_request');
      expect(mapped.message).toContain('NUL character');
    }
  });

  it('makes an unreachable database a 503 and anything else a 500 that says nothing of the cause', () => {
    expect(toHubError(databaseError('57P01', 'terminating connection due to administrator command')).code).toBe('unavailable');
    const internal = toHubError(databaseError('42P01', 'relation "secret_table" does not exist'));
    expect(internal.code).toBe('internal');
    expect(internal.message).toBe('internal error');
  });
});
