import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, apiClient, createMerchant, createCampaignWithAffiliate, type TestHub } from '../helpers/test-hub.js';

describe('health, metrics and HTTP conventions (SPEC §1, §2)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  it('answers /healthz with status ok', async () => {
    expect((await hub.http.get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics that count requests by route', async () => {
    const merchant = await createMerchant(hub);
    await apiClient(hub, merchant.readKey).get('/api/v1/campaigns').expect(200);
    const response = await hub.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    expect(response.text).toContain('hub_http_requests_total{method="GET",route="/api/v1/campaigns",status="200"} 1');
    expect(response.text).toContain('# TYPE hub_webhook_deliveries_total counter');
    expect(response.text).toContain('# TYPE hub_processing_lag_seconds histogram');
    expect(response.text).toContain('hub_queue_depth');
  });

  it('answers unknown routes with the error envelope', async () => {
    const response = await hub.http.get('/api/v2/nothing').expect(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'no route for GET /api/v2/nothing' } });
  });

  it('refuses bodies over 1 MiB with 413, wrong content types with 415 and bad JSON with 400', async () => {
    const merchant = await createMerchant(hub);
    const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant);
    const huge = JSON.stringify({ campaignId, affiliateId, amount: 1, orderId: 'big', metadata: { blob: 'x'.repeat(1024 * 1024) } });
    const tooLarge = await hub.http.post('/api/v1/conversions').set('X-Api-Key', merchant.writeKey).set('Content-Type', 'application/json').send(huge).expect(413);
    expect(tooLarge.body.error.code).toBe('payload_too_large');
    const wrongType = await hub.http.post('/api/v1/conversions').set('X-Api-Key', merchant.writeKey).set('Content-Type', 'text/plain').send('orderId=1').expect(415);
    expect(wrongType.body.error).toEqual({ code: 'unsupported_media_type', message: 'Content-Type must be application/json, got text/plain' });
    const badJson = await hub.http.post('/api/v1/conversions').set('X-Api-Key', merchant.writeKey).set('Content-Type', 'application/json').send('{"orderId":').expect(400);
    expect(badJson.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^request body is not valid JSON/) });
    expect(JSON.stringify(badJson.body)).not.toMatch(/at .*\.js|SyntaxError/);
  });

  it('answers 503 from /healthz and the API when the database is gone', async () => {
    const doomed = await createTestHub();
    const merchant = await createMerchant(doomed);
    await doomed.database.close();
    const health = await doomed.http.get('/healthz').expect(503);
    expect(health.body.status).toBe('unavailable');
    const api = await doomed.http.get('/api/v1/campaigns').set('X-Api-Key', merchant.readKey).expect(503);
    expect(api.body.error.code).toBe('unavailable');
    expect(api.headers['retry-after']).toBe('5');
    await doomed.close().catch(() => undefined);
  });
});
