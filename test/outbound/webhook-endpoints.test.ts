/** The webhook endpoints API (SPEC §11): secrets shown once, events validated, private targets refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { apiClient, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';

describe('webhook endpoints API', () => {
  let hub: TestHub;
  let api: ApiClient;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    api = apiClient(hub, (await createMerchant(hub)).writeKey);
  });
  afterAll(async () => hub.close());

  it('creates an endpoint and shows its secret once', async () => {
    const created = await api.post('/api/v1/webhook-endpoints', { url: 'https://93.184.216.34/hooks', events: ['conversion.created', 'conversion.reversed', 'conversion.created'] }).expect(201);
    expect(created.body.data).toMatchObject({ url: 'https://93.184.216.34/hooks', events: ['conversion.created', 'conversion.reversed'], status: 'enabled', disabledReason: null });
    expect(created.body.data.id).toMatch(/^we_/);
    expect(created.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const fetched = await api.get(`/api/v1/webhook-endpoints/${created.body.data.id}`).expect(200);
    expect(fetched.body.data).not.toHaveProperty('secret');
    const listed = await api.get('/api/v1/webhook-endpoints').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.data.secret);
    const row = await hub.services.db.selectFrom('webhook_endpoint').select('sealed_secret').where('id', '=', created.body.data.id).executeTakeFirstOrThrow();
    expect(row.sealed_secret).not.toContain(created.body.data.secret.slice(6, 20));
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hooks'],
    ['localhost by name', 'http://localhost/hooks'],
    ['a private network', 'https://10.1.2.3/hooks'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', 'http://[::1]/hooks'],
    ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hooks'],
    ['carrier-grade NAT', 'https://100.64.0.1/hooks'],
    ['the unspecified address', 'http://0.0.0.0/hooks'],
    ['IPv6 unspecified', 'http://[::]/hooks'],
    ['a 6to4 loopback', 'http://[2002:7f00:1::]/hooks'],
    ['a 6to4 private network', 'https://[2002:c0a8:101::1]/hooks'],
    ['a NAT64 local-use address', 'http://[64:ff9b:1::a00:1]/hooks'],
    ['a NAT64 metadata address', 'http://[64:ff9b::a9fe:a9fe]/hooks'],
    ['a Teredo address whose client is loopback', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hooks'],
    ['loopback in decimal', 'http://2130706433/hooks'],
    ['loopback in hexadecimal', 'http://0x7f000001/hooks'],
    ['loopback in octal', 'http://0177.0.0.1/hooks'],
    ['loopback shortened', 'http://127.1/hooks'],
    ['loopback with a trailing dot', 'http://127.0.0.1./hooks'],
    ['localhost with a trailing dot', 'http://localhost./hooks'],
    ['a localhost subdomain', 'http://api.localhost/hooks'],
  ])('refuses %s unless HUB_ALLOW_PRIVATE_NETWORK is set', async (_label, url) => {
    const before = await snapshotDatabase(hub.services.db);
    const response = await api.post('/api/v1/webhook-endpoints', { url, events: ['conversion.created'] }).expect(400);
    expect(response.body.error.details[0]).toMatchObject({ field: 'url', message: expect.stringMatching(/private or loopback address/) });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it.each([
    [{ url: 'ftp://93.184.216.34/x', events: ['conversion.created'] }, 'url'],
    [{ url: 'https://user:pass@93.184.216.34/x', events: ['conversion.created'] }, 'url'],
    [{ url: 'https://93.184.216.34/x', events: [] }, 'events'],
    [{ url: 'https://93.184.216.34/x', events: ['conversion.deleted'] }, 'events.0'],
    [{ url: 'https://93.184.216.34/x' }, 'events'],
    [{ url: 'https://93.184.216.34/x', events: ['conversion.created'], secret: 'mine' }, 'secret'],
  ])('refuses %j naming %s', async (body, field) => {
    const response = await api.post('/api/v1/webhook-endpoints', body).expect(400);
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('accepts plain http to a public address (SPEC §11: webhook bodies are signed and carry no credential)', async () => {
    await api.post('/api/v1/webhook-endpoints', { url: 'http://93.184.216.34/hooks', events: ['conversion.created'] }).expect(201);
  });

  it('allows private targets when HUB_ALLOW_PRIVATE_NETWORK=1', async () => {
    const permissive = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    try {
      const merchant = apiClient(permissive, (await createMerchant(permissive)).writeKey);
      await merchant.post('/api/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['conversion.created'] }).expect(201);
    } finally {
      await permissive.close();
    }
  });

  it('updates, disables, re-enables and deletes an endpoint', async () => {
    const created = await api.post('/api/v1/webhook-endpoints', { url: 'https://93.184.216.34/a', events: ['conversion.created'] }).expect(201);
    const id = created.body.data.id as string;
    expect((await api.patch(`/api/v1/webhook-endpoints/${id}`, { events: ['conversion.updated'], url: 'https://93.184.216.34/b' }).expect(200)).body.data)
      .toMatchObject({ url: 'https://93.184.216.34/b', events: ['conversion.updated'] });
    expect((await api.patch(`/api/v1/webhook-endpoints/${id}`, { status: 'disabled' }).expect(200)).body.data).toMatchObject({ status: 'disabled', disabledReason: 'disabled by the merchant' });
    expect((await api.patch(`/api/v1/webhook-endpoints/${id}`, { status: 'enabled' }).expect(200)).body.data).toMatchObject({ status: 'enabled', disabledReason: null });
    await api.patch(`/api/v1/webhook-endpoints/${id}`, { url: 'http://192.168.1.1/x' }).expect(400);
    await api.delete(`/api/v1/webhook-endpoints/${id}`).expect(204);
    await api.get(`/api/v1/webhook-endpoints/${id}`).expect(404);
  });
});
