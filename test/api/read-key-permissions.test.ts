/**
 * Key scopes (SPEC §3): a read key (`hub_rk_…`) reads everything and writes nothing. Every write
 * route of `/api/v1` — listed from the app itself, so a new route cannot be added without being
 * walked here — answers a read key with 403 `insufficient_permissions` and changes nothing, while the
 * very same request with the write key succeeds. Every GET route answers the read key. A revoked key
 * answers 401 on reads and writes alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExpressApp } from '../../src/http/create-app.js';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { listRoutes } from '../helpers/list-routes.js';
import { sendStripeEvent, STRIPE_SECRET, stripeFixture } from '../helpers/stripe.js';
import {
  ADMIN_TOKEN, apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type TestHub, type TestMerchant,
} from '../helpers/test-hub.js';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

interface OwnIds {
  campaignId: string;
  affiliateId: string;
  linkId: string;
  clickId: string;
  conversionId: string;
  connectionId: string;
  /** A connection with a URL token, which only it can rotate. */
  gumroadConnectionId: string;
  eventId: string;
  endpointId: string;
}

/** "POST /api/v1/campaigns/" and "POST /api/v1/campaigns" are the same route. */
function normalise(route: string): string {
  return route.length > 1 && route.endsWith('/') ? route.slice(0, -1) : route;
}

/** A merchant with one object of every kind, all its own. */
async function seedMerchant(hub: TestHub): Promise<{ merchant: TestMerchant; ids: OwnIds }> {
  const merchant = await createMerchant(hub);
  const api = apiClient(hub, merchant.writeKey);
  const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant);
  const link = (await api.post('/api/v1/links', { campaignId, affiliateId, destinationUrl: 'https://shop.test/' }).expect(201)).body.data as { id: string };
  const click = (await api.post('/api/v1/clicks', { campaignId, affiliateId }).expect(201)).body.data as { clickId: string };
  const conversion = (await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 10, orderId: `seed-${campaignId}` }).expect(201)).body.data as { id: string };
  const connection = (await api.post('/api/v1/connections', { provider: 'stripe', campaignId, secrets: [STRIPE_SECRET] }).expect(201)).body.data as { id: string };
  const gumroadConnection = (await api.post('/api/v1/connections', { provider: 'gumroad', campaignId }).expect(201)).body.data as { id: string };
  const event = (await sendStripeEvent(hub, connection.id, { ...stripeFixture('customer.subscription.deleted.1'), id: `evt_${campaignId}` }).expect(200)).body as { eventId: string };
  // A public address written as an IP: no DNS needed, and not refused as private.
  const endpoint = (await api.post('/api/v1/webhook-endpoints', { url: 'https://93.184.216.34/hooks', events: ['conversion.created'] }).expect(201)).body.data as { id: string };
  return {
    merchant,
    ids: {
      campaignId, affiliateId, linkId: link.id, clickId: click.clickId, conversionId: conversion.id,
      connectionId: connection.id, gumroadConnectionId: gumroadConnection.id, eventId: event.eventId, endpointId: endpoint.id,
    },
  };
}

/** A valid request for every write route: with a write key each one succeeds and changes the database. */
const writeRequests: Record<string, (ids: OwnIds) => { path: string; body?: Record<string, unknown> }> = {
  'POST /api/v1/campaigns': () => ({ path: '/api/v1/campaigns', body: { name: 'Read-key campaign', currency: 'USD', commission: { type: 'percent', rate: 10 } } }),
  'PATCH /api/v1/campaigns/:campaignId': (ids) => ({ path: `/api/v1/campaigns/${ids.campaignId}`, body: { name: 'Renamed by a read key' } }),
  'POST /api/v1/affiliates': (ids) => ({ path: '/api/v1/affiliates', body: { name: 'Reader', email: 'reader@affiliates.test', campaignId: ids.campaignId } }),
  'PATCH /api/v1/affiliates/:affiliateId': (ids) => ({ path: `/api/v1/affiliates/${ids.affiliateId}`, body: { name: 'Renamed by a read key' } }),
  'POST /api/v1/links': (ids) => ({ path: '/api/v1/links', body: { campaignId: ids.campaignId, affiliateId: ids.affiliateId, destinationUrl: 'https://shop.test/read' } }),
  'POST /api/v1/clicks': (ids) => ({ path: '/api/v1/clicks', body: { campaignId: ids.campaignId, affiliateId: ids.affiliateId } }),
  'POST /api/v1/conversions': (ids) => ({ path: '/api/v1/conversions', body: { campaignId: ids.campaignId, affiliateId: ids.affiliateId, amount: 12, orderId: 'read-key-order' } }),
  'PATCH /api/v1/conversions/:conversionId': (ids) => ({ path: `/api/v1/conversions/${ids.conversionId}`, body: { status: 'approved' } }),
  'POST /api/v1/connections': (ids) => ({ path: '/api/v1/connections', body: { provider: 'stripe', campaignId: ids.campaignId, secrets: ['whsec_read_key_attempt'] } }),
  'PATCH /api/v1/connections/:connectionId': (ids) => ({ path: `/api/v1/connections/${ids.connectionId}`, body: { secrets: ['whsec_read_key_attempt'] } }),
  'DELETE /api/v1/connections/:connectionId': (ids) => ({ path: `/api/v1/connections/${ids.connectionId}` }),
  'POST /api/v1/connections/:connectionId/rotate-token': (ids) => ({ path: `/api/v1/connections/${ids.gumroadConnectionId}/rotate-token` }),
  'POST /api/v1/events/:eventId/replay': (ids) => ({ path: `/api/v1/events/${ids.eventId}/replay` }),
  'POST /api/v1/webhook-endpoints': () => ({ path: '/api/v1/webhook-endpoints', body: { url: 'https://93.184.216.35/hooks', events: ['conversion.created'] } }),
  'PATCH /api/v1/webhook-endpoints/:endpointId': (ids) => ({ path: `/api/v1/webhook-endpoints/${ids.endpointId}`, body: { status: 'disabled' } }),
  'DELETE /api/v1/webhook-endpoints/:endpointId': (ids) => ({ path: `/api/v1/webhook-endpoints/${ids.endpointId}` }),
};

/** Path parameters of GET routes, filled with the merchant's own ids. */
const parameterValues: Record<string, keyof OwnIds> = {
  campaignId: 'campaignId', affiliateId: 'affiliateId', linkId: 'linkId', clickId: 'clickId',
  conversionId: 'conversionId', connectionId: 'connectionId', eventId: 'eventId', endpointId: 'endpointId',
};

function fillPath(route: string, ids: OwnIds): string {
  return route.replace(/:(\w+)/g, (_match, name: string) => {
    const key = parameterValues[name];
    if (!key) throw new Error(`no value for path parameter :${name} in ${route}; add it to parameterValues`);
    return ids[key];
  });
}

function send(hub: TestHub, method: string, path: string, key: string, body?: Record<string, unknown>) {
  const verb = method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const request = hub.http[verb](path).set('Authorization', `Bearer ${key}`);
  return body === undefined ? request : request.send(body);
}

describe('read keys (SPEC §3)', () => {
  let hub: TestHub;
  let appRoutes: string[];
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    appRoutes = listRoutes(createExpressApp(hub.services)).map(normalise).filter((route) => route.split(' ')[1]?.startsWith('/api/v1/'));
  });
  afterAll(async () => hub.close());

  it('walks every write route of /api/v1 the app serves', () => {
    const writeRoutes = appRoutes.filter((route) => WRITE_METHODS.has(route.split(' ')[0] ?? ''));
    expect(writeRoutes.length).toBeGreaterThan(0);
    expect([...writeRoutes].sort()).toEqual(Object.keys(writeRequests).sort());
  });

  it.each(Object.keys(writeRequests))('%s with a read key answers 403 insufficient_permissions and changes nothing', async (route) => {
    const request = writeRequests[route];
    if (!request) throw new Error(`no request for ${route}`);
    const method = route.split(' ')[0] ?? '';
    // A fresh merchant per route: the write-key control below really changes things (a DELETE deletes).
    const { merchant, ids } = await seedMerchant(hub);
    const { path, body } = request(ids);
    expect(merchant.readKey).toMatch(/^hub_rk_/);

    const before = await snapshotDatabase(hub.services.db);
    const refused = await send(hub, method, path, merchant.readKey, body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_permissions');
    expect(typeof refused.body.error.message).toBe('string');
    expect(refused.body.error.message.length).toBeGreaterThan(0);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);

    // The control: the same request with the write key is a valid, effective write.
    const allowed = await send(hub, method, path, merchant.writeKey, body);
    expect(allowed.status, JSON.stringify(allowed.body)).toBeGreaterThanOrEqual(200);
    expect(allowed.status, JSON.stringify(allowed.body)).toBeLessThan(300);
    expect(await snapshotDatabase(hub.services.db)).not.toEqual(before);
  });

  it('refuses a read key sent as X-Api-Key too', async () => {
    const { merchant, ids } = await seedMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const response = await hub.http.post('/api/v1/conversions').set('X-Api-Key', merchant.readKey)
      .send({ campaignId: ids.campaignId, affiliateId: ids.affiliateId, amount: 5, orderId: 'x-api-key-read' });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('insufficient_permissions');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('refuses a read key on the postback, which records conversions', async () => {
    const { merchant, ids } = await seedMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const response = await hub.http.get(`/api/postback/${ids.campaignId}`)
      .query({ api_key: merchant.readKey, order_id: 'postback-read', amount: '5', click_id: ids.clickId });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('insufficient_permissions');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('answers every GET route of /api/v1 for a read key', async () => {
    const { merchant, ids } = await seedMerchant(hub);
    const getRoutes = appRoutes.filter((route) => route.startsWith('GET '));
    expect(getRoutes.length).toBeGreaterThan(0);
    const answers: Record<string, number> = {};
    for (const route of getRoutes) {
      const response = await send(hub, 'GET', fillPath(route.slice('GET '.length), ids), merchant.readKey);
      answers[route] = response.status;
    }
    // Not merely "not 403": each read finds the merchant's own object and answers it.
    expect(answers).toEqual(Object.fromEntries(getRoutes.map((route) => [route, 200])));
  });

  describe('a revoked key', () => {
    async function revokedKey(merchant: TestMerchant, scope: 'read' | 'write'): Promise<string> {
      const admin = apiClient(hub, ADMIN_TOKEN);
      const created = (await admin.post(`/admin/v1/merchants/${merchant.id}/api-keys`, { scope }).expect(201)).body.data as { id: string; key: string };
      // It works before it is revoked.
      await apiClient(hub, created.key).get('/api/v1/campaigns').expect(200);
      await admin.delete(`/admin/v1/api-keys/${created.id}`).expect(204);
      return created.key;
    }

    it.each(['read', 'write'] as const)('answers 401 unauthorized on a read and on a write route (revoked %s key)', async (scope) => {
      const { merchant, ids } = await seedMerchant(hub);
      const key = await revokedKey(merchant, scope);

      const read = await apiClient(hub, key).get(`/api/v1/campaigns/${ids.campaignId}`);
      expect(read.status).toBe(401);
      expect(read.body.error.code).toBe('unauthorized');
      expect(JSON.stringify(read.body)).not.toContain(ids.campaignId);

      const before = await snapshotDatabase(hub.services.db);
      const write = await apiClient(hub, key).post('/api/v1/conversions', { campaignId: ids.campaignId, affiliateId: ids.affiliateId, amount: 5, orderId: `revoked-${scope}` });
      expect(write.status).toBe(401);
      expect(write.body.error.code).toBe('unauthorized');
      expect(await snapshotDatabase(hub.services.db)).toEqual(before);

      // The merchant's other keys are untouched.
      await apiClient(hub, merchant.readKey).get(`/api/v1/campaigns/${ids.campaignId}`).expect(200);
    });
  });
});
