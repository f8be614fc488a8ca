import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/hashing.js';
import { adminClient, apiClient, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('admin API and merchant keys (SPEC §3)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  it('creates a merchant with a write key and a read key, shown once', async () => {
    const response = await adminClient(hub).post('/admin/v1/merchants', { name: 'Kyoto Tea', monthlyEarningsCap: '50000', capCurrency: 'jpy' }).expect(201);
    expect(response.body.data).toMatchObject({ name: 'Kyoto Tea', monthlyEarningsCap: 50000, capCurrency: 'JPY' });
    expect(response.body.data.id).toMatch(/^mer_/);
    expect(response.body.data.apiKeys.write).toMatch(/^hub_sk_[0-9A-Za-z]{32}$/);
    expect(response.body.data.apiKeys.read).toMatch(/^hub_rk_[0-9A-Za-z]{32}$/);

    const listed = await adminClient(hub).get(`/admin/v1/merchants/${response.body.data.id}/api-keys`).expect(200);
    expect(listed.body.data).toHaveLength(2);
    for (const key of listed.body.data) {
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'prefix', 'revokedAt', 'scope']);
      expect(key.prefix).toHaveLength(11);
    }
  });

  it('stores keys only as SHA-256 and a display prefix', async () => {
    const merchant = await createMerchant(hub);
    const dump = JSON.stringify((await sql`select * from api_key`.execute(hub.services.db)).rows);
    expect(dump).not.toContain(merchant.writeKey);
    expect(dump).not.toContain(merchant.readKey);
    expect(dump).toContain(sha256Hex(merchant.writeKey));
    expect(dump).toContain(merchant.writeKey.slice(0, 11));
  });

  it('keeps a three-decimal cap exact', async () => {
    const response = await adminClient(hub).post('/admin/v1/merchants', { name: 'Gulf Books', monthlyEarningsCap: 12.345, capCurrency: 'KWD' }).expect(201);
    expect(response.body.data.monthlyEarningsCap).toBe(12.345);
    const row = await hub.services.db.selectFrom('merchant').select('monthly_earnings_cap').where('id', '=', response.body.data.id).executeTakeFirstOrThrow();
    expect(row.monthly_earnings_cap).toBe(12345);
  });

  it('accepts a key as Bearer or X-Api-Key', async () => {
    const merchant = await createMerchant(hub);
    await hub.http.get('/api/v1/campaigns').set('Authorization', `Bearer ${merchant.readKey}`).expect(200);
    await hub.http.get('/api/v1/campaigns').set('X-Api-Key', merchant.readKey).expect(200);
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { Authorization: 'Bearer hub_sk_doesnotexist0000000000000000000' }],
    ['a malformed header', { Authorization: 'Basic dXNlcjpwYXNz' }],
    ['an admin token as a merchant key', { Authorization: 'Bearer test-admin-token-0123456789' }],
  ])('answers 401 unauthorized for %s', async (_label, headers) => {
    const response = await hub.http.get('/api/v1/campaigns').set(headers).expect(401);
    expect(response.body.error.code).toBe('unauthorized');
    expect(response.body.error.message).toMatch(/API key/);
  });

  it('answers 403 when a read key is used on a write endpoint, and lets it read', async () => {
    const merchant = await createMerchant(hub);
    const response = await apiClient(hub, merchant.readKey).post('/api/v1/campaigns', { name: 'x', currency: 'USD', commission: { type: 'flat', amount: 1 } }).expect(403);
    expect(response.body.error).toMatchObject({ code: 'insufficient_permissions' });
    await apiClient(hub, merchant.readKey).get('/api/v1/conversions').expect(200);
  });

  it('issues extra keys and revokes them at once', async () => {
    const merchant = await createMerchant(hub);
    const issued = await adminClient(hub).post(`/admin/v1/merchants/${merchant.id}/api-keys`, { scope: 'write' }).expect(201);
    expect(issued.body.data).toMatchObject({ scope: 'write', prefix: issued.body.data.key.slice(0, 11) });
    const client = apiClient(hub, issued.body.data.key as string);
    await client.get('/api/v1/campaigns').expect(200);

    await adminClient(hub).delete(`/admin/v1/api-keys/${issued.body.data.id}`).expect(204);
    const refused = await client.get('/api/v1/campaigns').expect(401);
    expect(refused.body.error.code).toBe('unauthorized');
    // The merchant's other keys keep working.
    await apiClient(hub, merchant.writeKey).get('/api/v1/campaigns').expect(200);
    const listed = await adminClient(hub).get(`/admin/v1/merchants/${merchant.id}/api-keys`).expect(200);
    expect(listed.body.data.find((key: { id: string }) => key.id === issued.body.data.id).revokedAt).not.toBeNull();
  });

  it('answers 404 for unknown merchants and keys', async () => {
    expect((await adminClient(hub).get('/admin/v1/merchants/mer_nope').expect(404)).body.error.code).toBe('not_found');
    await adminClient(hub).post('/admin/v1/merchants/mer_nope/api-keys', { scope: 'read' }).expect(404);
    await adminClient(hub).delete('/admin/v1/api-keys/key_nope').expect(404);
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer test-admin-token-0123456780' }],
    ['a merchant key', null],
  ])('refuses the admin API with %s', async (_label, headers) => {
    const merchant = await createMerchant(hub);
    const response = await hub.http.post('/admin/v1/merchants').set(headers ?? { Authorization: `Bearer ${merchant.writeKey}` }).send({ name: 'Mallory' }).expect(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});
