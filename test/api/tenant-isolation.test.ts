/**
 * Tenant isolation (SPEC §3): every `/api/v1` route, given another merchant's ids, answers 404
 * exactly like an id that does not exist, and changes nothing. The route list is read from the app
 * itself, so a new route with an id cannot be added without being walked here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExpressApp } from '../../src/http/create-app.js';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { listRoutes } from '../helpers/list-routes.js';
import { sendStripeEvent, STRIPE_SECRET, stripeFixture } from '../helpers/stripe.js';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';

interface ForeignIds {
  campaignId: string;
  affiliateId: string;
  linkId: string;
  linkCode: string;
  clickId: string;
  conversionId: string;
  connectionId: string;
  gumroadConnectionId: string;
  eventId: string;
  endpointId: string;
}

async function seedMerchant(hub: TestHub): Promise<{ api: ApiClient; ids: ForeignIds; writeKey: string }> {
  const merchant = await createMerchant(hub);
  const api = apiClient(hub, merchant.writeKey);
  const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant);
  const link = (await api.post('/api/v1/links', { campaignId, affiliateId, destinationUrl: 'https://shop.test/' }).expect(201)).body.data as { id: string; code: string };
  const click = (await api.post('/api/v1/clicks', { campaignId, affiliateId }).expect(201)).body.data as { clickId: string };
  const conversion = (await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 10, orderId: `iso-${campaignId}` }).expect(201)).body.data as { id: string };
  const connection = (await api.post('/api/v1/connections', { provider: 'stripe', campaignId, secrets: [STRIPE_SECRET] }).expect(201)).body.data as { id: string };
  const gumroadConnection = (await api.post('/api/v1/connections', { provider: 'gumroad', campaignId }).expect(201)).body.data as { id: string };
  const event = (await sendStripeEvent(hub, connection.id, { ...stripeFixture('customer.subscription.deleted.1'), id: `evt_${campaignId}` }).expect(200)).body as { eventId: string };
  // A public address written as an IP: no DNS needed, and not refused as private.
  const endpoint = (await api.post('/api/v1/webhook-endpoints', { url: 'https://93.184.216.34/hooks', events: ['conversion.created'] }).expect(201)).body.data as { id: string };
  return {
    api,
    writeKey: merchant.writeKey,
    ids: {
      campaignId, affiliateId, linkId: link.id, linkCode: link.code, clickId: click.clickId, conversionId: conversion.id,
      connectionId: connection.id, gumroadConnectionId: gumroadConnection.id, eventId: event.eventId, endpointId: endpoint.id,
    },
  };
}

describe('tenant isolation', () => {
  let hub: TestHub;
  let mine: Awaited<ReturnType<typeof seedMerchant>>;
  let theirs: ForeignIds;
  beforeAll(async () => {
    hub = await createTestHub();
    mine = await seedMerchant(hub);
    theirs = (await seedMerchant(hub)).ids;
  });
  afterAll(async () => hub.close());

  /** One request per parameterised route, aimed at the other merchant's object. */
  const pathRequests: Record<string, (api: ApiClient, foreign: ForeignIds) => ReturnType<ApiClient['get']>> = {
    'GET /api/v1/campaigns/:campaignId': (api, foreign) => api.get(`/api/v1/campaigns/${foreign.campaignId}`),
    'PATCH /api/v1/campaigns/:campaignId': (api, foreign) => api.patch(`/api/v1/campaigns/${foreign.campaignId}`, { name: 'taken over' }),
    'GET /api/v1/affiliates/:affiliateId': (api, foreign) => api.get(`/api/v1/affiliates/${foreign.affiliateId}`),
    'PATCH /api/v1/affiliates/:affiliateId': (api, foreign) => api.patch(`/api/v1/affiliates/${foreign.affiliateId}`, { name: 'taken over' }),
    'GET /api/v1/links/:linkId': (api, foreign) => api.get(`/api/v1/links/${foreign.linkId}`),
    'GET /api/v1/clicks/:clickId': (api, foreign) => api.get(`/api/v1/clicks/${foreign.clickId}`),
    'GET /api/v1/conversions/:conversionId': (api, foreign) => api.get(`/api/v1/conversions/${foreign.conversionId}`),
    'PATCH /api/v1/conversions/:conversionId': (api, foreign) => api.patch(`/api/v1/conversions/${foreign.conversionId}`, { status: 'rejected' }),
    'GET /api/v1/connections/:connectionId': (api, foreign) => api.get(`/api/v1/connections/${foreign.connectionId}`),
    'PATCH /api/v1/connections/:connectionId': (api, foreign) => api.patch(`/api/v1/connections/${foreign.connectionId}`, { secrets: ['whsec_attacker'] }),
    'DELETE /api/v1/connections/:connectionId': (api, foreign) => api.delete(`/api/v1/connections/${foreign.connectionId}`),
    'POST /api/v1/connections/:connectionId/rotate-token': (api, foreign) => api.post(`/api/v1/connections/${foreign.gumroadConnectionId}/rotate-token`),
    'GET /api/v1/events/:eventId': (api, foreign) => api.get(`/api/v1/events/${foreign.eventId}`),
    'POST /api/v1/events/:eventId/replay': (api, foreign) => api.post(`/api/v1/events/${foreign.eventId}/replay`),
    'GET /api/v1/webhook-endpoints/:endpointId': (api, foreign) => api.get(`/api/v1/webhook-endpoints/${foreign.endpointId}`),
    'PATCH /api/v1/webhook-endpoints/:endpointId': (api, foreign) => api.patch(`/api/v1/webhook-endpoints/${foreign.endpointId}`, { url: 'https://93.184.216.35/stolen' }),
    'DELETE /api/v1/webhook-endpoints/:endpointId': (api, foreign) => api.delete(`/api/v1/webhook-endpoints/${foreign.endpointId}`),
    'GET /api/v1/webhook-endpoints/:endpointId/deliveries': (api, foreign) => api.get(`/api/v1/webhook-endpoints/${foreign.endpointId}/deliveries`),
  };

  it('walks every parameterised /api/v1 route of the app', () => {
    const routes = listRoutes(createExpressApp(hub.services)).filter((route) => route.includes('/api/v1/') && route.includes(':'));
    expect(routes.sort()).toEqual(Object.keys(pathRequests).sort());
  });

  it.each(Object.keys(pathRequests))('%s with another merchant’s id answers 404 like a missing id', async (route) => {
    const send = pathRequests[route];
    if (!send) throw new Error(`no request for ${route}`);
    const before = await snapshotDatabase(hub.services.db);
    const foreign = await send(mine.api, theirs);
    const missing = await send(mine.api, {
      campaignId: 'camp_missing', affiliateId: 'aff_missing', linkId: 'lnk_missing', linkCode: 'missing', clickId: 'clk_missing',
      conversionId: 'conv_missing', connectionId: 'con_missing', gumroadConnectionId: 'con_missing', eventId: 'ev_missing', endpointId: 'we_missing',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect({ status: foreign.status, body: foreign.body }).toEqual({ status: missing.status, body: missing.body });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it.each([
    ['POST /api/v1/affiliates with a foreign campaignId', (api: ApiClient) => api.post('/api/v1/affiliates', { name: 'x', email: 'x@example.com', campaignId: theirs.campaignId })],
    ['PATCH /api/v1/affiliates/:own with a foreign campaignId', (api: ApiClient) => api.patch(`/api/v1/affiliates/${mine.ids.affiliateId}`, { campaignId: theirs.campaignId, status: 'approved' })],
    ['POST /api/v1/links with a foreign campaignId', (api: ApiClient) => api.post('/api/v1/links', { campaignId: theirs.campaignId, affiliateId: mine.ids.affiliateId, destinationUrl: 'https://x.test/' })],
    ['POST /api/v1/links with a foreign affiliateId', (api: ApiClient) => api.post('/api/v1/links', { campaignId: mine.ids.campaignId, affiliateId: theirs.affiliateId, destinationUrl: 'https://x.test/' })],
    ['POST /api/v1/clicks with a foreign link code', (api: ApiClient) => api.post('/api/v1/clicks', { code: theirs.linkCode })],
    ['POST /api/v1/clicks with a foreign campaignId', (api: ApiClient) => api.post('/api/v1/clicks', { campaignId: theirs.campaignId, affiliateId: mine.ids.affiliateId })],
    ['POST /api/v1/clicks with a foreign affiliateId', (api: ApiClient) => api.post('/api/v1/clicks', { campaignId: mine.ids.campaignId, affiliateId: theirs.affiliateId })],
    ['POST /api/v1/conversions with a foreign campaignId', (api: ApiClient) => api.post('/api/v1/conversions', { campaignId: theirs.campaignId, affiliateId: mine.ids.affiliateId, amount: 1, orderId: 'f1' })],
    ['POST /api/v1/conversions with a foreign affiliateId', (api: ApiClient) => api.post('/api/v1/conversions', { campaignId: mine.ids.campaignId, affiliateId: theirs.affiliateId, amount: 1, orderId: 'f2' })],
    ['POST /api/v1/conversions with a foreign clickId', (api: ApiClient) => api.post('/api/v1/conversions', { campaignId: mine.ids.campaignId, clickId: theirs.clickId, amount: 1, orderId: 'f3' })],
    ['POST /api/v1/connections with a foreign campaignId', (api: ApiClient) => api.post('/api/v1/connections', { provider: 'stripe', campaignId: theirs.campaignId, secrets: ['whsec_x'] })],
    ['PATCH /api/v1/connections/:own with a foreign campaignId', (api: ApiClient) => api.patch(`/api/v1/connections/${mine.ids.connectionId}`, { campaignId: theirs.campaignId })],
  ])('%s answers 404 and changes nothing', async (_label, send) => {
    const before = await snapshotDatabase(hub.services.db);
    const response = await send(mine.api);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('answers the postback for a foreign campaign with 404', async () => {
    const response = await hub.http.get(`/api/postback/${theirs.campaignId}`).query({ api_key: mine.writeKey, order_id: 'pf', amount: 1, click_id: mine.ids.clickId });
    expect(response.status).toBe(404);
  });

  it('never lists another merchant’s objects, even when filtering by their ids', async () => {
    for (const path of [
      '/api/v1/campaigns', '/api/v1/affiliates', '/api/v1/links', '/api/v1/clicks', '/api/v1/conversions', '/api/v1/connections', '/api/v1/events', '/api/v1/webhook-endpoints',
      `/api/v1/events?connectionId=${theirs.connectionId}`,
      `/api/v1/affiliates?campaignId=${theirs.campaignId}`, `/api/v1/links?affiliateId=${theirs.affiliateId}`,
      `/api/v1/clicks?campaignId=${theirs.campaignId}`, `/api/v1/conversions?campaignId=${theirs.campaignId}`,
    ]) {
      const body = JSON.stringify((await mine.api.get(path).expect(200)).body);
      for (const id of Object.values(theirs)) expect(body).not.toContain(id);
    }
  });
});
