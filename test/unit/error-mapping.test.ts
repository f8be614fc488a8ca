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

  it.each([
    ['57P01 (administrator shut the connection)', databaseError('57P01', 'terminating connection due to administrator command')],
    ['57P03 (cannot connect now)', databaseError('57P03', 'the database system is starting up')],
    ['55000 (database not accepting connections)', databaseError('55000', 'database "hub" is not currently accepting connections')],
    ['08006 (connection failure)', databaseError('08006', 'connection failure')],
    ['53300 (too many connections)', databaseError('53300', 'sorry, too many clients already')],
    ['a reset socket', databaseError('ECONNRESET', 'read ECONNRESET')],
    ['a refused connection', databaseError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a query that got no answer in time', new Error('Query read timeout')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a cause chain ending in a reset', new Error('query failed', { cause: databaseError('ECONNRESET', 'read ECONNRESET') })],
  ])('makes %s a 503 unavailable', (_label, error) => {
    expect(toHubError(error).code).toBe('unavailable');
  });

  it('makes a malformed percent-encoding in the path a 400', () => {
    expect(toHubError(new URIError('URI malformed')).code).toBe('invalid_request');
  });

  it('makes anything else a 500 that says nothing of the cause', () => {
    const internal = toHubError(databaseError('42P01', 'relation "secret_table" does not exist'));
    expect(internal.code).toBe('internal');
    expect(internal.message).toBe('internal error');
  });
});
