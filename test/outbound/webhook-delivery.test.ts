/**
 * Outbound webhooks delivered to a real receiver on loopback (SPEC §11): signatures that the
 * independent `standardwebhooks` package accepts, retries on the documented schedule, Retry-After,
 * 410, slow receivers, a restart mid-retry, and several relays never sending one delivery twice.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createCampaignWithAffiliate, createHubProcess, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECOND = 1000;

describe('outbound webhook delivery', () => {
  let hub: TestHub;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // A real-time clock start: the standardwebhooks verifier checks timestamps against now.
    hub = await createTestHub({
      processInBackground: false, start: new Date(), environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' },
      relayOptions: { attemptTimeoutMs: 300, random: () => 0.5 },
    });
  });
  afterAll(async () => hub.close());
  afterEach(async () => receiver.stop());

  async function setUp(events = ['conversion.created', 'conversion.updated', 'conversion.reversed']) {
    // Back to real time (earlier tests move the clock days ahead): receivers check webhook-timestamp against now.
    hub.clock.set(new Date());
    receiver = await new WebhookReceiver().start();
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.writeKey);
    const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant);
    const endpoint = (await api.post('/api/v1/webhook-endpoints', { url: receiver.url, events }).expect(201)).body.data as { id: string; secret: string };
    const convert = async (orderId: string) => (await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: '100.00', orderId }).expect(201)).body.data as { id: string };
    return { api, endpoint, convert };
  }

  const deliveriesOf = async (api: ApiClient, endpointId: string) => (await api.get(`/api/v1/webhook-endpoints/${endpointId}/deliveries`).expect(200)).body.data as Record<string, unknown>[];

  it('delivers conversion.created signed per Standard Webhooks, verified by an independent implementation', async () => {
    const { api, endpoint, convert } = await setUp();
    const conversion = await convert('ord-signed');
    await hub.services.relay.drain();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const payload = new Webhook(endpoint.secret).verify(delivery!.body, delivery!.headers as Record<string, string>) as { type: string; timestamp: string; data: unknown };
    expect(payload.type).toBe('conversion.created');
    expect(payload.data).toEqual((await api.get(`/api/v1/conversions/${conversion.id}`).expect(200)).body.data);
    expect(delivery!.headers['webhook-id']).toMatch(/^msg_/);
    expect(delivery!.headers['content-type']).toBe('application/json');
    // A tampered body fails the same independent check.
    expect(() => new Webhook(endpoint.secret).verify(delivery!.body.replace('100', '900'), delivery!.headers as Record<string, string>)).toThrow();
    expect(await deliveriesOf(api, endpoint.id)).toMatchObject([{ eventType: 'conversion.created', status: 'succeeded', attempts: 1, lastResponseStatus: 200, lastError: null, nextAttemptAt: null }]);
  });

  it('sends conversion.updated on a status change, only to endpoints subscribed to it, and nothing for a refused request', async () => {
    const { api, endpoint, convert } = await setUp(['conversion.updated']);
    const conversion = await convert('ord-updated');
    await api.post('/api/v1/conversions', { campaignId: 'camp_missing', affiliateId: 'aff_missing', amount: 1, orderId: 'ord-x' }).expect(404);
    await api.patch(`/api/v1/conversions/${conversion.id}`, { status: 'approved' }).expect(200);
    await api.patch(`/api/v1/conversions/${conversion.id}`, { status: 'approved' }).expect(409);
    await hub.services.relay.drain();
    expect(receiver.received.map((request) => (JSON.parse(request.body) as { type: string; data: { status: string } }).data.status)).toEqual(['approved']);
    expect(await deliveriesOf(api, endpoint.id)).toHaveLength(1);
  });

  it('retries after 500 with the same webhook-id, then succeeds', async () => {
    const { api, endpoint, convert } = await setUp();
    receiver.answer({ status: 500 });
    await convert('ord-500');
    await hub.services.relay.drain();
    let [log] = await deliveriesOf(api, endpoint.id);
    expect(log).toMatchObject({ status: 'pending', attempts: 1, lastResponseStatus: 500, lastError: 'receiver answered 500' });
    expect(new Date(log!.nextAttemptAt as string).getTime() - hub.clock.now().getTime()).toBe(5 * SECOND);
    await hub.services.relay.drain();
    expect(receiver.received).toHaveLength(1); // not due yet
    hub.clock.advance(5 * SECOND);
    await hub.services.relay.drain();
    [log] = await deliveriesOf(api, endpoint.id);
    expect(log).toMatchObject({ status: 'succeeded', attempts: 2, lastResponseStatus: 200 });
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(receiver.received[0]!.headers['webhook-timestamp']).not.toBe(receiver.received[1]!.headers['webhook-timestamp']);
  });

  it('retries on the documented schedule for three days, then gives up', async () => {
    const { api, endpoint, convert } = await setUp();
    receiver.otherwise({ status: 503 });
    await convert('ord-schedule');
    const delays: number[] = [];
    for (;;) {
      await hub.services.relay.drain();
      const [log] = await deliveriesOf(api, endpoint.id);
      if (log!.status !== 'pending') {
        expect(log).toMatchObject({ status: 'failed', lastResponseStatus: 503 });
        break;
      }
      const wait = new Date(log!.nextAttemptAt as string).getTime() - hub.clock.now().getTime();
      delays.push(wait / SECOND);
      hub.clock.advance(wait);
    }
    expect(delays.slice(0, 10)).toEqual([5, 30, 120, 600, 1_800, 3_600, 10_800, 21_600, 43_200, 43_200]);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeLessThanOrEqual(3 * 86_400);
    expect(total).toBeGreaterThan(2.5 * 86_400);
    expect(receiver.received.length).toBe(delays.length + 1);
  });

  it('waits longer when the receiver asks with Retry-After', async () => {
    const { api, endpoint, convert } = await setUp();
    receiver.answer({ status: 429, retryAfter: '120' });
    await convert('ord-retry-after');
    await hub.services.relay.drain();
    const [log] = await deliveriesOf(api, endpoint.id);
    expect(new Date(log!.nextAttemptAt as string).getTime() - hub.clock.now().getTime()).toBe(120 * SECOND);
  });

  it('disables the endpoint on 410 Gone and stops sending to it', async () => {
    const { api, endpoint, convert } = await setUp();
    receiver.answer({ status: 410 });
    await convert('ord-gone-1');
    await hub.services.relay.drain();
    expect((await api.get(`/api/v1/webhook-endpoints/${endpoint.id}`).expect(200)).body.data).toMatchObject({ status: 'disabled', disabledReason: 'the endpoint answered 410 Gone' });
    await convert('ord-gone-2');
    await hub.services.relay.drain();
    expect(receiver.received).toHaveLength(1);
    expect(await deliveriesOf(api, endpoint.id)).toMatchObject([{ status: 'failed', lastResponseStatus: 410 }]);
    await api.patch(`/api/v1/webhook-endpoints/${endpoint.id}`, { status: 'enabled' }).expect(200);
    await convert('ord-gone-3');
    await hub.services.relay.drain();
    expect(receiver.received).toHaveLength(2);
  });

  it('gives up on a slow receiver after the attempt timeout and tries again later', async () => {
    const { api, endpoint, convert } = await setUp();
    receiver.answer({ status: 200, delayMs: 1_500 });
    await convert('ord-slow');
    await hub.services.relay.drain();
    let [log] = await deliveriesOf(api, endpoint.id);
    expect(log).toMatchObject({ status: 'pending', attempts: 1, lastResponseStatus: null, lastError: 'timed out after 300 ms' });
    hub.clock.advance(5 * SECOND);
    await hub.services.relay.drain();
    [log] = await deliveriesOf(api, endpoint.id);
    expect(log).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('loses nothing when the hub restarts between retries', async () => {
    const { api, endpoint, convert } = await setUp();
    receiver.answer({ status: 500 });
    await convert('ord-restart');
    await hub.services.relay.drain();
    await hub.services.relay.stop();
    // A new hub process on the same database (same HUB_SECRET_KEY) picks the delivery up.
    const restarted = createHubProcess(hub, { HUB_ALLOW_PRIVATE_NETWORK: '1' }, { attemptTimeoutMs: 300, random: () => 0.5 });
    hub.clock.advance(5 * SECOND);
    await restarted.relay.drain();
    expect((await deliveriesOf(api, endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(new Webhook(endpoint.secret).verify(receiver.received[1]!.body, receiver.received[1]!.headers as Record<string, string>)).toBeTruthy();
  });

  it('never sends one delivery twice when several relays run at once', async () => {
    const { convert } = await setUp();
    receiver.otherwise({ status: 200, delayMs: 20 });
    for (let index = 0; index < 12; index += 1) await convert(`ord-parallel-${index}`);
    const other = createHubProcess(hub, { HUB_ALLOW_PRIVATE_NETWORK: '1' });
    await Promise.all([hub.services.relay.drain(), other.relay.drain(), hub.services.relay.drain(), other.relay.drain()]);
    const ids = receiver.received.map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
  });
});
