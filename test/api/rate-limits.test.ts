import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('API rate limits (SPEC §12)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ environment: { HUB_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => hub.close());

  it('sends the headers on every response and 429 with Retry-After past the limit', async () => {
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.readKey);
    const windowEnds = Math.ceil(hub.clock.now().getTime() / 1000) + 60;
    for (let remaining = 4; remaining >= 0; remaining -= 1) {
      const response = await api.get('/api/v1/campaigns').expect(200);
      expect(response.headers['x-ratelimit-limit']).toBe('5');
      expect(response.headers['x-ratelimit-remaining']).toBe(String(remaining));
      expect(response.headers['x-ratelimit-reset']).toBe(String(windowEnds));
    }
    hub.clock.advance(20_000);
    const refused = await api.get('/api/v1/campaigns').expect(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded', retryAfter: 40 });
    expect(refused.headers['retry-after']).toBe('40');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    hub.clock.advance(40_000);
    await api.get('/api/v1/campaigns').expect(200);
  });

  it('counts per key: another merchant is not slowed down', async () => {
    const busy = apiClient(hub, (await createMerchant(hub)).readKey);
    for (let index = 0; index < 5; index += 1) await busy.get('/api/v1/conversions').expect(200);
    await busy.get('/api/v1/conversions').expect(429);
    await apiClient(hub, (await createMerchant(hub)).readKey).get('/api/v1/conversions').expect(200);
  });

  it('counts unauthenticated requests per IP, with headers on the 401s', async () => {
    hub.clock.advance(60_000);
    for (let index = 0; index < 5; index += 1) {
      const response = await hub.http.get('/api/v1/campaigns').set('X-Api-Key', `hub_sk_guess${index}`).expect(401);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(4 - index));
    }
    expect((await hub.http.get('/api/v1/campaigns').set('X-Api-Key', 'hub_sk_guess9').expect(429)).body.error.code).toBe('rate_limit_exceeded');
  });

  it('does not rate-limit the admin API or health checks per key', async () => {
    for (let index = 0; index < 8; index += 1) await hub.http.get('/healthz').expect(200);
  });
});
