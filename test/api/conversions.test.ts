import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminClient,
  apiClient,
  createCampaignWithAffiliate,
  createMerchant,
  createTestHub,
  type TestHub,
} from '../helpers/test-hub.js';

interface ConversionBody {
  id: string;
  commission: number;
  status: string;
  statusReason: string | null;
  adjustments: { type: string; commissionDelta: number; reason: string | null }[];
  [key: string]: unknown;
}

const ledgerTotal = (conversion: ConversionBody) =>
  conversion.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * 1000), 0) / 1000;

describe('conversions API (SPEC §5, §8, §9)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  async function setUp(campaign: Record<string, unknown> = {}, merchantBody: Record<string, unknown> = {}) {
    const merchant = await createMerchant(hub, merchantBody);
    const ids = await createCampaignWithAffiliate(hub, merchant, campaign);
    return { merchant, api: apiClient(hub, merchant.writeKey), ...ids };
  }

  it('records a sale with its first ledger line, commission = sum of the ledger', async () => {
    const { api, campaignId, affiliateId } = await setUp();
    const response = await api.post('/api/v1/conversions', {
      campaignId, affiliateId, amount: '149.99', orderId: 'ORD-1001', metadata: { plan: 'pro' },
    }).expect(201);
    const conversion = response.body.data as ConversionBody;
    expect(conversion).toMatchObject({
      campaignId, affiliateId, clickId: null, visitorId: null, source: 'api', orderId: 'ORD-1001', conversionType: 'one_time',
      eventType: 'sale', currency: 'USD', amount: 149.99, netAmount: 149.99, taxAmount: 0, shippingAmount: 0, discountAmount: 0,
      refundedAmount: 0, commission: 30, status: 'pending', statusReason: null, metadata: { plan: 'pro' },
      createdAt: hub.clock.now().toISOString(),
    });
    expect(conversion.id).toMatch(/^conv_/);
    expect(conversion.adjustments).toEqual([
      { type: 'commission', commissionDelta: 30, amount: 149.99, reference: 'ORD-1001', reason: null, createdAt: hub.clock.now().toISOString() },
    ]);
    const fetched = await api.get(`/api/v1/conversions/${conversion.id}`).expect(200);
    expect(fetched.body.data).toEqual(conversion);
  });

  it('computes commissions in zero- and three-decimal currencies', async () => {
    const yen = await setUp({ currency: 'JPY', commission: { type: 'percent', rate: 15 } });
    const inYen = await yen.api.post('/api/v1/conversions', { campaignId: yen.campaignId, affiliateId: yen.affiliateId, amount: 4990, orderId: 'jp-1' }).expect(201);
    expect(inYen.body.data).toMatchObject({ currency: 'JPY', amount: 4990, commission: 749 }); // 748.5 → 749
    const dinar = await setUp({ currency: 'KWD', commission: { type: 'percent', rate: 15 } });
    const inDinar = await dinar.api.post('/api/v1/conversions', { campaignId: dinar.campaignId, affiliateId: dinar.affiliateId, amount: '12.345', orderId: 'kw-1' }).expect(201);
    expect(inDinar.body.data).toMatchObject({ currency: 'KWD', amount: 12.345, commission: 1.852 }); // 1.85175 → 1.852
    const refused = await dinar.api.post('/api/v1/conversions', { campaignId: dinar.campaignId, affiliateId: dinar.affiliateId, amount: '1.2345', orderId: 'kw-2' }).expect(400);
    expect(refused.body.error.details).toEqual([{ field: 'amount', message: 'KWD has 3 decimal places; "1.2345" has 4' }]);
  });

  it('attributes by click id, then by visitor id within the cookie window', async () => {
    const { api, campaignId, affiliateId } = await setUp({ cookieWindowDays: 7 });
    const link = (await api.post('/api/v1/links', { campaignId, affiliateId, destinationUrl: 'https://shop.test/' }).expect(201)).body.data as { code: string };
    const redirect = await hub.http.get(`/r/${link.code}`).expect(302);
    const landing = new URL(redirect.headers.location as string);
    const clickId = landing.searchParams.get('hub_click');
    const visitorId = landing.searchParams.get('hub_vid');

    const byClick = await api.post('/api/v1/conversions', { campaignId, clickId, amount: 10, orderId: 'by-click' }).expect(201);
    expect(byClick.body.data).toMatchObject({ affiliateId, clickId, visitorId });

    hub.clock.advance(6 * 86_400_000);
    const byVisitor = await api.post('/api/v1/conversions', { campaignId, visitorId, amount: 10, orderId: 'by-visitor' }).expect(201);
    expect(byVisitor.body.data).toMatchObject({ affiliateId, clickId, visitorId });

    hub.clock.advance(2 * 86_400_000);
    const late = await api.post('/api/v1/conversions', { campaignId, visitorId, amount: 10, orderId: 'too-late' }).expect(400);
    expect(late.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'visitorId', message: 'no click by this visitor in the campaign within the 7-day cookie window' }] });
    // An explicit affiliate still counts when the visitor's window has passed.
    const fallback = await api.post('/api/v1/conversions', { campaignId, visitorId, affiliateId, amount: 10, orderId: 'fallback' }).expect(201);
    expect(fallback.body.data).toMatchObject({ affiliateId, clickId: null, visitorId });
  });

  it('refuses clicks of another campaign and unknown clicks', async () => {
    const { merchant, api, campaignId, affiliateId } = await setUp();
    const other = await createCampaignWithAffiliate(hub, merchant);
    const click = await api.post('/api/v1/clicks', { campaignId: other.campaignId, affiliateId: other.affiliateId }).expect(201);
    const mismatch = await api.post('/api/v1/conversions', { campaignId, clickId: click.body.data.clickId, amount: 5, orderId: 'x1' }).expect(400);
    expect(mismatch.body.error.details).toEqual([{ field: 'clickId', message: 'belongs to another campaign' }]);
    const unknown = await api.post('/api/v1/conversions', { campaignId, clickId: 'clk_unknown', affiliateId, amount: 5, orderId: 'x2' }).expect(404);
    expect(unknown.body.error).toEqual({ code: 'not_found', message: 'click not found' });
  });

  it('answers 400 affiliate_not_approved for pending, rejected and unenrolled affiliates', async () => {
    const { merchant, api, campaignId } = await setUp();
    for (const status of ['pending', 'rejected']) {
      const affiliate = await api.post('/api/v1/affiliates', { name: status, email: `${status}@example.com`, campaignId, status }).expect(201);
      const response = await api.post('/api/v1/conversions', { campaignId, affiliateId: affiliate.body.data.id, amount: 10, orderId: `na-${status}` }).expect(400);
      expect(response.body.error).toEqual({ code: 'affiliate_not_approved', message: `affiliate ${affiliate.body.data.id} is ${status} in campaign ${campaignId}` });
    }
    const elsewhere = await createCampaignWithAffiliate(hub, merchant);
    const response = await api.post('/api/v1/conversions', { campaignId, affiliateId: elsewhere.affiliateId, amount: 10, orderId: 'na-unenrolled' }).expect(400);
    expect(response.body.error.code).toBe('affiliate_not_approved');
    expect((await api.get('/api/v1/conversions').expect(200)).body.pagination.total).toBe(0);
  });

  it('answers 409 duplicate with the existing conversion id, and changes nothing', async () => {
    const { api, campaignId, affiliateId } = await setUp();
    const first = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 50, orderId: 'dup-1' }).expect(201);
    const again = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 70, orderId: 'dup-1', currency: 'EUR' }).expect(409);
    expect(again.body.error).toEqual({ code: 'duplicate', message: `order dup-1 is already recorded as ${first.body.data.id}`, conversionId: first.body.data.id });
    const stored = await api.get(`/api/v1/conversions/${first.body.data.id}`).expect(200);
    expect(stored.body.data).toEqual(first.body.data);
  });

  it('creates exactly one conversion from twenty concurrent identical requests', async () => {
    const { api, campaignId, affiliateId } = await setUp();
    const responses = await Promise.all(Array.from({ length: 20 }, () =>
      api.post('/api/v1/conversions', { campaignId, affiliateId, amount: '19.99', orderId: 'burst-1' })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
    const created = responses.find((response) => response.status === 201)?.body.data as ConversionBody;
    for (const response of responses.filter((candidate) => candidate.status === 409)) {
      expect(response.body.error).toMatchObject({ code: 'duplicate', conversionId: created.id });
    }
    const rows = await hub.services.db.selectFrom('conversion').selectAll().where('order_id', '=', 'burst-1').execute();
    expect(rows).toHaveLength(1);
    const lines = await hub.services.db.selectFrom('conversion_adjustment').selectAll().where('conversion_id', '=', created.id).execute();
    expect(lines).toHaveLength(1);
  });

  it('rejects self-referrals unless the campaign allows them, keeping the email out of the database', async () => {
    const strict = await setUp({}, {});
    const rejected = await strict.api.post('/api/v1/conversions', {
      campaignId: strict.campaignId, affiliateId: strict.affiliateId, amount: 100, orderId: 'self-1', customerEmail: '  ADA@Affiliates.Test ',
    }).expect(201);
    const conversion = rejected.body.data as ConversionBody;
    expect(conversion).toMatchObject({ status: 'rejected', statusReason: 'self_referral', commission: 0 });
    expect(conversion.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 20], ['rejection', -20]]);
    expect(ledgerTotal(conversion)).toBe(conversion.commission);
    const row = await hub.services.db.selectFrom('conversion').selectAll().where('id', '=', conversion.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row).toLowerCase()).not.toContain('ada@affiliates.test');

    const relaxed = await setUp({ selfReferral: 'allow' });
    const allowed = await relaxed.api.post('/api/v1/conversions', {
      campaignId: relaxed.campaignId, affiliateId: relaxed.affiliateId, amount: 100, orderId: 'self-2', customerEmail: 'ada@affiliates.test',
    }).expect(201);
    expect(allowed.body.data).toMatchObject({ status: 'pending', commission: 20 });
    const stranger = await strict.api.post('/api/v1/conversions', {
      campaignId: strict.campaignId, affiliateId: strict.affiliateId, amount: 100, orderId: 'self-3', customerEmail: 'bob@example.com',
    }).expect(201);
    expect(stranger.body.data).toMatchObject({ status: 'pending', commission: 20 });
  });

  it('refuses conversions over the monthly earnings cap; other currencies and next month do not count', async () => {
    const { api, merchant, campaignId, affiliateId } = await setUp({}, { monthlyEarningsCap: 50, capCurrency: 'USD' });
    await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 200, orderId: 'cap-1' }).expect(201); // 40
    await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 50, orderId: 'cap-2' }).expect(201); // 50 in total: at the cap
    const refused = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: '0.05', orderId: 'cap-3' }).expect(403);
    expect(refused.body.error.code).toBe('earnings_limit_reached');
    // An order already recorded is still a duplicate, not a cap refusal.
    expect((await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 50, orderId: 'cap-2' }).expect(409)).body.error.code).toBe('duplicate');

    const euros = await createCampaignWithAffiliate(hub, merchant, { currency: 'EUR' }, { email: 'eu@example.com' });
    await api.post('/api/v1/conversions', { campaignId: euros.campaignId, affiliateId: euros.affiliateId, amount: 1000, orderId: 'cap-eur' }).expect(201);

    const now = hub.clock.now();
    hub.clock.set(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 0, 1)));
    await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: '0.05', orderId: 'cap-3' }).expect(201);
  });

  it('counts tiers by the affiliate’s conversions this month', async () => {
    const { api, campaignId, affiliateId } = await setUp({ commission: { type: 'tiered', tiers: [{ from: 1, rate: 10 }, { from: 3, rate: 30 }] } });
    const commissions = [];
    for (let index = 1; index <= 4; index += 1) {
      commissions.push((await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 100, orderId: `tier-${index}` }).expect(201)).body.data.commission);
    }
    expect(commissions).toEqual([10, 10, 30, 30]);
  });

  it('records a flat commission in another currency as 0 with currency_mismatch', async () => {
    const { api, campaignId, affiliateId } = await setUp({ commission: { type: 'flat', amount: 5 } });
    const same = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 1, orderId: 'flat-usd' }).expect(201);
    expect(same.body.data).toMatchObject({ commission: 5, statusReason: null });
    const other = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 100, currency: 'eur', orderId: 'flat-eur' }).expect(201);
    expect(other.body.data).toMatchObject({ currency: 'EUR', commission: 0, status: 'pending', statusReason: 'currency_mismatch' });
  });

  it('moves through the allowed status transitions and refuses the others', async () => {
    const { api, campaignId, affiliateId } = await setUp();
    const create = async (orderId: string) => (await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 100, orderId }).expect(201)).body.data.id as string;

    const paid = await create('life-1');
    await api.patch(`/api/v1/conversions/${paid}`, { status: 'approved' }).expect(200);
    const paidResponse = await api.patch(`/api/v1/conversions/${paid}`, { status: 'paid', note: 'payout 2026-03' }).expect(200);
    expect(paidResponse.body.data).toMatchObject({ status: 'paid', commission: 20 });
    expect(paidResponse.body.data.adjustments.at(-1)).toMatchObject({ type: 'manual', commissionDelta: 0, reason: 'payout 2026-03' });

    const rejectedFromPending = await create('life-2');
    const rejection = await api.patch(`/api/v1/conversions/${rejectedFromPending}`, { status: 'rejected', note: 'fraud' }).expect(200);
    expect(rejection.body.data).toMatchObject({ status: 'rejected', statusReason: 'fraud', commission: 0 });
    expect(rejection.body.data.adjustments.map((line: { type: string; commissionDelta: number }) => [line.type, line.commissionDelta])).toEqual([['commission', 20], ['rejection', -20]]);
    expect(ledgerTotal(rejection.body.data as ConversionBody)).toBe(0);

    const rejectedFromApproved = await create('life-3');
    await api.patch(`/api/v1/conversions/${rejectedFromApproved}`, { status: 'approved' }).expect(200);
    expect((await api.patch(`/api/v1/conversions/${rejectedFromApproved}`, { status: 'rejected' }).expect(200)).body.data.statusReason).toBe('rejected_by_merchant');

    const pendingOne = await create('life-4');
    const cases: [string, string][] = [[pendingOne, 'paid'], [paid, 'approved'], [paid, 'rejected'], [rejectedFromPending, 'approved'], [paid, 'paid']];
    for (const [id, status] of cases) {
      const refused = await api.patch(`/api/v1/conversions/${id}`, { status }).expect(409);
      expect(refused.body.error.code).toBe('invalid_transition');
    }
  });

  it('lists conversions newest first with filters', async () => {
    const { api, merchant, campaignId, affiliateId } = await setUp();
    const start = hub.clock.now();
    for (const orderId of ['l-1', 'l-2', 'l-3']) {
      await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 10, orderId }).expect(201);
      hub.clock.advance(3_600_000);
    }
    const second = await createCampaignWithAffiliate(hub, merchant);
    const approved = await api.post('/api/v1/conversions', { campaignId: second.campaignId, affiliateId: second.affiliateId, amount: 10, orderId: 'l-4' }).expect(201);
    await api.patch(`/api/v1/conversions/${approved.body.data.id}`, { status: 'approved' }).expect(200);

    const all = await api.get('/api/v1/conversions').expect(200);
    expect(all.body.data.map((row: { orderId: string }) => row.orderId)).toEqual(['l-4', 'l-3', 'l-2', 'l-1']);
    const byCampaign = await api.get(`/api/v1/conversions?campaignId=${campaignId}&perPage=2`).expect(200);
    expect(byCampaign.body).toMatchObject({ pagination: { page: 1, perPage: 2, total: 3 } });
    expect((await api.get('/api/v1/conversions?status=approved').expect(200)).body.data.map((row: { orderId: string }) => row.orderId)).toEqual(['l-4']);
    expect((await api.get('/api/v1/conversions?source=postback').expect(200)).body.data).toEqual([]);
    const window = `dateFrom=${new Date(start.getTime() + 1_800_000).toISOString()}&dateTo=${new Date(start.getTime() + 5_400_000).toISOString()}`;
    expect((await api.get(`/api/v1/conversions?${window}`).expect(200)).body.data.map((row: { orderId: string }) => row.orderId)).toEqual(['l-2']);
    expect((await api.get(`/api/v1/conversions?affiliateId=${second.affiliateId}`).expect(200)).body.pagination.total).toBe(1);
  });

  it('records leads with a zero amount', async () => {
    const { api, campaignId, affiliateId } = await setUp({ commission: { type: 'flat', amount: 2 } });
    const lead = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 0, orderId: 'lead-1', eventType: 'lead' }).expect(201);
    expect(lead.body.data).toMatchObject({ eventType: 'lead', amount: 0, commission: 2 });
  });

  it('keeps the admin token out of the merchant API', async () => {
    await adminClient(hub).get('/api/v1/conversions').expect(401);
  });
});
