/** The connections API (SPEC §6) and the inbound event log with replay. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { attributedStripeFixture, deliverStripe, sendStripeEvent, setUpStripeMerchant, stripeFixture, STRIPE_SECRET, type StripeMerchant } from '../helpers/stripe.js';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('connections API', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('creates a connection and hands back the webhook URL, never the secrets', async () => {
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.writeKey);
    const { campaignId } = await createCampaignWithAffiliate(hub, merchant);
    const created = await api.post('/api/v1/connections', { provider: 'stripe', campaignId, secrets: ['whsec_live_1'], options: { apiKey: 'sk_live_abc123' } }).expect(201);
    expect(created.body.data).toEqual({
      id: expect.stringMatching(/^con_/), provider: 'stripe', campaignId, mode: 'live',
      webhookUrl: `https://hub.test/webhooks/stripe/${created.body.data.id}`, options: {},
      createdAt: expect.any(String), updatedAt: expect.any(String),
    });
    const listed = await api.get('/api/v1/connections?provider=stripe').expect(200);
    expect(listed.body.pagination.total).toBe(1);
    expect(JSON.stringify(listed.body)).not.toMatch(/whsec_live_1|sk_live_abc123/);
  });

  it.each([
    ['no secrets for a signing processor', { provider: 'stripe' }, 'secrets'],
    ['an empty secret', { provider: 'stripe', secrets: [''] }, 'secrets.0'],
    ['an unknown provider', { provider: 'paypal', secrets: ['x'] }, 'provider'],
    ['an unknown option', { provider: 'stripe', secrets: ['whsec_1'], options: { webhookSecret: 'x' } }, 'options.webhookSecret'],
    ['a malformed API key', { provider: 'stripe', secrets: ['whsec_1'], options: { apiKey: 'pk_live_public' } }, 'options.apiKey'],
    ['an unknown mode', { provider: 'stripe', secrets: ['whsec_1'], mode: 'sandbox' }, 'mode'],
  ])('refuses %s and stores nothing', async (_label, body, field) => {
    const merchant = await createMerchant(hub);
    const { campaignId } = await createCampaignWithAffiliate(hub, merchant);
    const before = await snapshotDatabase(hub.services.db);
    const response = await apiClient(hub, merchant.writeKey).post('/api/v1/connections', { campaignId, ...body }).expect(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('rotates secrets with PATCH: the new secret verifies at once, the old one stops', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const event = stripeFixture('customer.subscription.deleted.1');
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { secrets: ['whsec_next', STRIPE_SECRET] }).expect(200);
    await sendStripeEvent(hub, merchant.connectionId, { ...event, id: 'evt_rot_1' }, { secret: 'whsec_next' }).expect(200);
    await sendStripeEvent(hub, merchant.connectionId, { ...event, id: 'evt_rot_2' }).expect(200);
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { secrets: ['whsec_next'] }).expect(200);
    await sendStripeEvent(hub, merchant.connectionId, { ...event, id: 'evt_rot_3' }).expect(400);
  });

  it('changes mode and campaign with PATCH, and deletes', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const patched = await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { mode: 'test' }).expect(200);
    expect(patched.body.data.mode).toBe('test');
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { campaignId: 'camp_nope' }).expect(404);
    await merchant.api.delete(`/api/v1/connections/${merchant.connectionId}`).expect(204);
    await merchant.api.get(`/api/v1/connections/${merchant.connectionId}`).expect(404);
    await merchant.api.delete(`/api/v1/connections/${merchant.connectionId}`).expect(404);
  });
});

describe('inbound event log', () => {
  let hub: TestHub;
  let merchant: StripeMerchant;
  let eventIds: string[];
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    merchant = await setUpStripeMerchant(hub);
    eventIds = await deliverStripe(hub, merchant, [
      attributedStripeFixture('checkout.session.completed.1', merchant),
      stripeFixture('customer.subscription.deleted.1'),
      stripeFixture('charge.refunded.3'),
    ]);
  });
  afterAll(async () => hub.close());

  it('lists events newest first, filtered by status, provider and connection', async () => {
    const all = await merchant.api.get('/api/v1/events').expect(200);
    expect(all.body.pagination.total).toBe(3);
    expect(all.body.data[0]).not.toHaveProperty('payload');
    const statuses = Object.fromEntries(all.body.data.map((event: { id: string; status: string }) => [event.id, event.status]));
    expect(statuses).toEqual({ [eventIds[0]!]: 'processed', [eventIds[1]!]: 'ignored', [eventIds[2]!]: 'waiting' });
    expect((await merchant.api.get('/api/v1/events?status=waiting').expect(200)).body.data.map((event: { id: string }) => event.id)).toEqual([eventIds[2]]);
    expect((await merchant.api.get(`/api/v1/events?provider=stripe&connectionId=${merchant.connectionId}&perPage=1&page=2`).expect(200)).body.data).toHaveLength(1);
    expect((await merchant.api.get('/api/v1/events?provider=paddle').expect(200)).body.pagination.total).toBe(0);
  });

  it('shows one event with its payload, trace and conversions', async () => {
    const event = await merchant.api.get(`/api/v1/events/${eventIds[0]}`).expect(200);
    expect(event.body.data).toMatchObject({
      id: eventIds[0], connectionId: merchant.connectionId, provider: 'stripe', providerEventId: 'evt_1UaQ2o7HnQ2eLx4KUoP0JcyN',
      type: 'checkout.session.completed', status: 'processed', reason: null, error: null, attempts: 1,
      conversionIds: [expect.stringMatching(/^conv_/)], payload: { id: 'evt_1UaQ2o7HnQ2eLx4KUoP0JcyN', object: 'event' },
    });
    expect(event.body.data.trace[0]).toBe('stripe checkout.session.completed evt_1UaQ2o7HnQ2eLx4KUoP0JcyN');
    const ignored = await merchant.api.get(`/api/v1/events/${eventIds[1]}`).expect(200);
    expect(ignored.body.data).toMatchObject({ status: 'ignored', reason: 'irrelevant_event' });
  });

  it('refuses replay with a read key and for unknown events', async () => {
    const merchantKeys = await createMerchant(hub);
    await apiClient(hub, merchantKeys.readKey).post(`/api/v1/events/${eventIds[0]}/replay`).expect(403);
    await merchant.api.post('/api/v1/events/ev_missing/replay').expect(404);
  });
});
