/** The redaction layer every log line passes through (src/lib/log-redaction.ts), and the logger around it. */
import { describe, expect, it } from 'vitest';
import { isSecretFieldName, redactLogFields, redactText } from '../../src/lib/log-redaction.js';
import { recordingLogger } from '../helpers/recording-logger.js';

describe('log redaction', () => {
  it('masks fields named like a secret, at any depth, and keeps the others', () => {
    const redacted = redactLogFields({
      eventId: 'ev_1', merchantId: 'mer_1', status: 200,
      authorization: 'Bearer hub_sk_live', 'x-api-key': 'k', stripeSignature: 't=1,v1=ab', customer_email: 'a@b.co',
      nested: { deeper: { clientSecret: 's', accessToken: 't', password: 'p', cookie: 'c', HUB_SECRET_KEY: 'h', kept: 'fine' } },
      body: '{"email":"x"}', query: { token: 'abc' }, headers: { 'content-type': 'text/plain' },
    }, false);
    expect(redacted).toEqual({
      eventId: 'ev_1', merchantId: 'mer_1', status: 200,
      authorization: '[redacted]', 'x-api-key': '[redacted]', stripeSignature: '[redacted]', customer_email: '[redacted]',
      nested: { deeper: { clientSecret: '[redacted]', accessToken: '[redacted]', password: '[redacted]', cookie: '[redacted]', HUB_SECRET_KEY: '[redacted]', kept: 'fine' } },
      body: '[redacted]', query: '[redacted]', headers: '[redacted]',
    });
    for (const name of ['eventId', 'provider', 'monkey', 'route', 'requestId', 'outcome']) expect(isSecretFieldName(name), name).toBe(false);
  });

  it('masks query strings, credentials, key formats and emails inside any text', () => {
    expect(redactText('GET https://hub.test/webhooks/gumroad/con_1?token=s3cr3t&x=1 failed')).toBe('GET https://hub.test/webhooks/gumroad/con_1?[redacted] failed');
    expect(redactText('/api/postback/camp_1?api_key=hub_sk_abc&order_id=1')).toBe('/api/postback/camp_1?[redacted]');
    expect(redactText('header was Bearer abc.def')).toBe('header was Bearer [redacted]');
    expect(redactText('key hub_rk_0123abcd and whsec_xyz+/= and sk_live_123')).toBe('key hub_rk_[redacted] and whsec_[redacted] and sk_live_[redacted]');
    expect(redactText('no such customer jane.doe+tag@example.co.uk here')).toBe('no such customer [email] here');
    expect(redactText('why? because')).toBe('why? because');
  });

  it('writes errors as name and message, with the stack only at debug', () => {
    const error = new Error('cannot reach https://api.test/v2/sales?access_token=tok_1 for bob@example.com');
    expect(redactLogFields({ error }, false)).toEqual({ error: { name: 'Error', message: 'cannot reach https://api.test/v2/sales?[redacted] for [email]' } });
    const withStack = redactLogFields({ error }, true).error as { stack: string };
    expect(withStack.stack).toContain('log-redaction.test.ts');
    expect(withStack.stack).not.toContain('tok_1');
  });

  it('never writes bytes, and stops at a safe depth', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 20; level += 1) deep = { deep };
    expect(JSON.stringify(redactLogFields({ raw: Buffer.from('secret body'), deep }, false))).not.toContain('secret body');
    expect(JSON.stringify(redactLogFields({ deep }, false))).toContain('[too deep]');
  });

  it('is what the logger writes: JSON lines with time, level and message, redacted, at the level asked', () => {
    const logger = recordingLogger('info');
    logger.debug('not at info', { eventId: 'ev_0' });
    logger.info('delivery stored', { eventId: 'ev_1', token: 'tok', url: 'https://x.test/a?token=tok' });
    logger.warn('failed', { error: new Error('boom') });
    const lines = logger.text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', message: 'delivery stored', eventId: 'ev_1', token: '[redacted]', url: 'https://x.test/a?[redacted]' },
      { time: expect.any(String), level: 'warn', message: 'failed', error: { name: 'Error', message: 'boom' } },
    ]);
  });
});
