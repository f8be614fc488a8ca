import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';

describe('campaigns and affiliates (SPEC §4)', () => {
  let hub: TestHub;
  let api: ApiClient;
  beforeAll(async () => {
    hub = await createTestHub();
    api = apiClient(hub, (await createMerchant(hub)).writeKey);
  });
  afterAll(async () => hub.close());

  it('creates a percent campaign with the documented defaults', async () => {
    const response = await api.post('/api/v1/campaigns', { name: 'Launch', currency: 'usd', commission: { type: 'percent', rate: '12.5' } }).expect(201);
    expect(response.body.data).toMatchObject({
      name: 'Launch', currency: 'USD', commission: { type: 'percent', rate: 12.5 }, commissionBase: 'net',
      cookieWindowDays: 30, recurring: null, holdDays: 30, selfReferral: 'reject',
    });
    expect(response.body.data.id).toMatch(/^camp_/);
  });

  it('creates flat campaigns in JPY and KWD exactly', async () => {
    const yen = await api.post('/api/v1/campaigns', { name: 'Yen', currency: 'JPY', commission: { type: 'flat', amount: 500 } }).expect(201);
    expect(yen.body.data.commission).toEqual({ type: 'flat', amount: 500 });
    const dinar = await api.post('/api/v1/campaigns', { name: 'Dinar', currency: 'KWD', commission: { type: 'flat', amount: '1.250' } }).expect(201);
    expect(dinar.body.data.commission).toEqual({ type: 'flat', amount: 1.25 });
    const row = await hub.services.db.selectFrom('campaign').select('commission').where('id', '=', dinar.body.data.id).executeTakeFirstOrThrow();
    expect(row.commission).toEqual({ type: 'flat', amountMinor: 1250 });
  });

  it('creates a tiered campaign with every setting', async () => {
    const response = await api.post('/api/v1/campaigns', {
      name: 'Tiers', currency: 'EUR', commission: { type: 'tiered', tiers: [{ from: 1, rate: 20 }, { from: 11, rate: 25.5 }] },
      commissionBase: 'gross', cookieWindowDays: 60, recurring: { months: 12 }, holdDays: 14, selfReferral: 'allow',
    }).expect(201);
    expect(response.body.data).toMatchObject({
      commission: { type: 'tiered', tiers: [{ from: 1, rate: 20 }, { from: 11, rate: 25.5 }] },
      commissionBase: 'gross', cookieWindowDays: 60, recurring: { months: 12 }, holdDays: 14, selfReferral: 'allow',
    });
  });

  it('refuses flat amounts with more decimals than the campaign currency has', async () => {
    const response = await api.post('/api/v1/campaigns', { name: 'Yen', currency: 'JPY', commission: { type: 'flat', amount: '1.5' } }).expect(400);
    expect(response.body.error.details).toEqual([{ field: 'commission.amount', message: 'JPY has no minor unit; "1.5" has decimals' }]);
  });

  it('updates settings with PATCH and keeps the currency fixed', async () => {
    const created = await api.post('/api/v1/campaigns', { name: 'Patchable', currency: 'USD', commission: { type: 'percent', rate: 10 } }).expect(201);
    const id = created.body.data.id as string;
    const patched = await api.patch(`/api/v1/campaigns/${id}`, { name: 'Patched', commission: { type: 'flat', amount: '2.50' }, recurring: 'lifetime', holdDays: 0 }).expect(200);
    expect(patched.body.data).toMatchObject({ name: 'Patched', commission: { type: 'flat', amount: 2.5 }, recurring: 'lifetime', holdDays: 0, currency: 'USD' });
    const refused = await api.patch(`/api/v1/campaigns/${id}`, { currency: 'EUR' }).expect(400);
    expect(refused.body.error.details).toEqual([{ field: 'currency', message: 'cannot be changed' }]);
    expect((await api.get(`/api/v1/campaigns/${id}`).expect(200)).body.data.name).toBe('Patched');
  });

  it('lists campaigns newest first with pagination', async () => {
    const merchant = apiClient(hub, (await createMerchant(hub)).writeKey);
    for (const name of ['first', 'second', 'third']) {
      await merchant.post('/api/v1/campaigns', { name, currency: 'USD', commission: { type: 'percent', rate: 5 } }).expect(201);
      hub.clock.advance(1000);
    }
    const page = await merchant.get('/api/v1/campaigns?page=2&perPage=2').expect(200);
    expect(page.body.pagination).toEqual({ page: 2, perPage: 2, total: 3 });
    expect(page.body.data.map((campaign: { name: string }) => campaign.name)).toEqual(['first']);
    const all = await merchant.get('/api/v1/campaigns').expect(200);
    expect(all.body.data.map((campaign: { name: string }) => campaign.name)).toEqual(['third', 'second', 'first']);
    expect(all.body.pagination).toEqual({ page: 1, perPage: 50, total: 3 });
  });

  it('enrolls affiliates approved by default, pending or rejected on request, and never returns the email', async () => {
    const campaign = await api.post('/api/v1/campaigns', { name: 'Enroll', currency: 'USD', commission: { type: 'percent', rate: 10 } }).expect(201);
    const campaignId = campaign.body.data.id as string;
    const approved = await api.post('/api/v1/affiliates', { name: 'Ann', email: 'ann@example.com', campaignId }).expect(201);
    expect(approved.body.data).toMatchObject({ name: 'Ann', campaignId, status: 'approved', enrollments: [{ campaignId, status: 'approved' }] });
    expect(JSON.stringify(approved.body)).not.toContain('ann@example.com');
    const pending = await api.post('/api/v1/affiliates', { name: 'Pat', email: 'pat@example.com', campaignId, status: 'pending' }).expect(201);
    // The enrollment the request made is at the top level as well as in `enrollments`.
    expect(pending.body.data).toMatchObject({ campaignId, status: 'pending', enrollments: [{ campaignId, status: 'pending' }] });
    const rejected = await api.post('/api/v1/affiliates', { name: 'Rex', email: 'rex@example.com', campaignId, status: 'rejected' }).expect(201);
    expect(rejected.body.data).toMatchObject({ campaignId, status: 'rejected', enrollments: [{ campaignId, status: 'rejected' }] });

    const row = await hub.services.db.selectFrom('affiliate').selectAll().where('id', '=', approved.body.data.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('ann@example.com');
    expect(row.email_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes an enrollment with PATCH and enrolls in another campaign', async () => {
    const first = (await api.post('/api/v1/campaigns', { name: 'A', currency: 'USD', commission: { type: 'percent', rate: 10 } }).expect(201)).body.data.id as string;
    const second = (await api.post('/api/v1/campaigns', { name: 'B', currency: 'USD', commission: { type: 'percent', rate: 10 } }).expect(201)).body.data.id as string;
    const affiliate = await api.post('/api/v1/affiliates', { name: 'Bo', email: 'bo@example.com', campaignId: first, status: 'pending' }).expect(201);
    const id = affiliate.body.data.id as string;
    await api.patch(`/api/v1/affiliates/${id}`, { campaignId: first, status: 'approved' }).expect(200);
    const patched = await api.patch(`/api/v1/affiliates/${id}`, { campaignId: second, status: 'rejected', name: 'Bo B.' }).expect(200);
    expect(patched.body.data.name).toBe('Bo B.');
    expect(patched.body.data.enrollments).toHaveLength(2);
    expect(patched.body.data.enrollments).toEqual(expect.arrayContaining([
      expect.objectContaining({ campaignId: first, status: 'approved' }),
      expect.objectContaining({ campaignId: second, status: 'rejected' }),
    ]));
    const inSecond = await api.get(`/api/v1/affiliates?campaignId=${second}`).expect(200);
    expect(inSecond.body.data.map((row: { id: string }) => row.id)).toEqual([id]);
    expect(inSecond.body.pagination.total).toBe(1);
  });
});
