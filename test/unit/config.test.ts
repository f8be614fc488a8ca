import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';

describe('readConfig', () => {
  it('defaults to the embedded database on port 3000', () => {
    const config = readConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.database).toEqual({ kind: 'embedded', dataDir: './.hub-data' });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.rateLimitPerMinute).toBe(300);
    expect(config.processingConcurrency).toBeNull();
    expect(config.processingBatchSize).toBe(32);
    expect(config.allowPrivateNetwork).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ HUB_ALLOW_PRIVATE_NETWORK: '1' }, true],
    [{ HUB_ALLOW_PRIVATE_WEBHOOKS: '1' }, true],
    [{ HUB_ALLOW_PRIVATE_WEBHOOKS: 'true' }, true],
    [{ HUB_ALLOW_PRIVATE_NETWORK: '0', HUB_ALLOW_PRIVATE_WEBHOOKS: '1' }, false],
    [{ HUB_ALLOW_PRIVATE_NETWORK: '1', HUB_ALLOW_PRIVATE_WEBHOOKS: '0' }, true],
    [{ HUB_ALLOW_PRIVATE_WEBHOOKS: '0' }, false],
  ])('reads %j as allowPrivateNetwork %s (HUB_ALLOW_PRIVATE_WEBHOOKS is its former name; the new name wins)', (environment, allowed) => {
    expect(readConfig(environment).allowPrivateNetwork).toBe(allowed);
  });

  it('reads every setting', () => {
    const key = 'a'.repeat(64);
    const config = readConfig({
      PORT: '8080', HOST: '127.0.0.1', DATABASE_URL: 'postgres://u@db/hub', HUB_SECRET_KEY: key, HUB_ADMIN_TOKEN: 'x'.repeat(20),
      HUB_PUBLIC_URL: 'https://hub.example.com/', HUB_RATE_LIMIT_PER_MINUTE: '50', HUB_ALLOW_PRIVATE_NETWORK: '1', HUB_TRUST_PROXY: 'loopback', LOG_LEVEL: 'warn',
      HUB_PROCESSING_CONCURRENCY: '0', HUB_PROCESSING_BATCH_SIZE: '1',
    });
    expect(config).toMatchObject({
      port: 8080, host: '127.0.0.1', database: { kind: 'postgres', url: 'postgres://u@db/hub' }, adminToken: 'x'.repeat(20),
      publicUrl: 'https://hub.example.com', rateLimitPerMinute: 50, allowPrivateNetwork: true, trustProxy: 'loopback', logLevel: 'warn',
      processingConcurrency: 0, processingBatchSize: 1,
    });
    expect(config.secretKey?.toString('hex')).toBe(key);
  });

  it('accepts a base64 secret key and memory://', () => {
    const config = readConfig({ DATABASE_URL: 'memory://', HUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(config.database).toEqual({ kind: 'memory' });
    expect(config.secretKey).toEqual(Buffer.alloc(32, 7));
  });

  it.each([
    [{ DATABASE_URL: 'postgres://db/hub' }, /HUB_SECRET_KEY is required with DATABASE_URL/],
    [{ DATABASE_URL: 'mysql://db/hub' }, /DATABASE_URL must be postgres/],
    [{ HUB_SECRET_KEY: 'too-short' }, /HUB_SECRET_KEY must be 32 bytes/],
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ HUB_RATE_LIMIT_PER_MINUTE: '0' }, /HUB_RATE_LIMIT_PER_MINUTE/],
    [{ HUB_PROCESSING_CONCURRENCY: '-1' }, /HUB_PROCESSING_CONCURRENCY/],
    [{ HUB_PROCESSING_CONCURRENCY: '65' }, /HUB_PROCESSING_CONCURRENCY/],
    [{ HUB_PROCESSING_BATCH_SIZE: '0' }, /HUB_PROCESSING_BATCH_SIZE must be an integer from 1 to 500/],
    [{ HUB_PROCESSING_BATCH_SIZE: '501' }, /HUB_PROCESSING_BATCH_SIZE/],
    [{ HUB_PROCESSING_CONCURRENCY: '0' }, /HUB_PROCESSING_CONCURRENCY=0 \(ingest only\) needs DATABASE_URL/],
    [{ HUB_ADMIN_TOKEN: 'short' }, /at least 16 characters/],
    [{ HUB_PUBLIC_URL: 'hub.example.com' }, /HUB_PUBLIC_URL must be an http\(s\) URL/],
    [{ HUB_ALLOW_PRIVATE_NETWORK: 'yes' }, /HUB_ALLOW_PRIVATE_NETWORK must be 1 or 0/],
    [{ HUB_ALLOW_PRIVATE_WEBHOOKS: 'yes' }, /HUB_ALLOW_PRIVATE_WEBHOOKS must be 1 or 0/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
  ])('%j is refused with a message naming the variable', (environment, message) => {
    expect(() => readConfig(environment)).toThrow(message);
  });
});
