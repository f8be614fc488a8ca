import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';

describe('links, the /r/:code redirect and clicks (SPEC §4)', () => {
  let hub: TestHub;
  let api: ApiClient;
  let campaignId: string;
  let affiliateId: string;
  beforeAll(async () => {
    hub = await createTestHub();
    const merchant = await createMerchant(hub);
    api = apiClient(hub, merchant.writeKey);
    ({ campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, { cookieWindowDays: 14 }));
  });
  afterAll(async () => hub.close());

  async function createLink(body: Record<string, unknown> = {}): Promise<{ code: string; url: string }> {
    const response = await api.post('/api/v1/links', { campaignId, affiliateId, destinationUrl: 'https://shop.test/landing?utm_source=aff', ...body }).expect(201);
    return response.body.data as { code: string; url: string };
  }

  it('creates a link whose url is served by the hub', async () => {
    const link = await createLink({ code: 'spring-sale' });
    expect(link).toMatchObject({ code: 'spring-sale', url: 'https://hub.test/r/spring-sale', campaignId, affiliateId });
    const generated = await createLink();
    expect(generated.code).toMatch(/^[0-9A-Za-z]{10}$/);
  });

  it('refuses a code that is already taken', async () => {
    await createLink({ code: 'taken-code' });
    const response = await api.post('/api/v1/links', { campaignId, affiliateId, destinationUrl: 'https://shop.test/', code: 'taken-code' }).expect(400);
    expect(response.body.error.details).toEqual([{ field: 'code', message: 'is already taken' }]);
  });

  it('redirects with hub_vid and hub_click, sets the cookie and records the click with its sub ids', async () => {
    const link = await createLink();
    const response = await hub.http.get(`/r/${link.code}?sub_id=newsletter&sub_id_2=may&sub_id_3=top`).expect(302);
    const location = new URL(response.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://shop.test/landing');
    expect(location.searchParams.get('utm_source')).toBe('aff');
    const visitorId = location.searchParams.get('hub_vid');
    const clickId = location.searchParams.get('hub_click');
    expect(visitorId).toMatch(/^vis_/);
    expect(clickId).toMatch(/^clk_/);
    const cookie = (response.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toContain(`hub_vid=${visitorId}`);
    expect(cookie).toContain(`Max-Age=${14 * 86400}`);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(response.headers['cache-control']).toBe('no-store');

    const click = await api.get(`/api/v1/clicks/${clickId}`).expect(200);
    expect(click.body.data).toMatchObject({ id: clickId, visitorId, campaignId, affiliateId, linkCode: link.code, subIds: ['newsletter', 'may', 'top'] });
  });

  it('keeps the visitor id of the hub\'s own cookie, never one from the query', async () => {
    const link = await createLink();
    const fromCookie = await hub.http.get(`/r/${link.code}`).set('Cookie', 'other=1; hub_vid=vis_returning42').expect(302);
    expect(new URL(fromCookie.headers.location as string).searchParams.get('hub_vid')).toBe('vis_returning42');
    const fromQuery = await hub.http.get(`/r/${link.code}?hub_vid=vis_fromquery7`).expect(302);
    expect(new URL(fromQuery.headers.location as string).searchParams.get('hub_vid')).toMatch(/^vis_[0-9A-Za-z]{22}$/);
    expect((fromQuery.headers['set-cookie'] as unknown as string[])[0]).not.toContain('vis_fromquery7');
    const junk = await hub.http.get(`/r/${link.code}`).set('Cookie', 'hub_vid=%3Cscript%3E').expect(302);
    expect(new URL(junk.headers.location as string).searchParams.get('hub_vid')).toMatch(/^vis_[0-9A-Za-z]{22}$/);
  });

  it('does not let a visitor id learned from a landing URL steal that visitor\'s sale (issue 11.7)', async () => {
    const victimLink = await createLink();
    const rival = (await api.post('/api/v1/affiliates', { name: 'Mallory Rival', email: 'mallory@affiliates.test', campaignId }).expect(201)).body.data as { id: string };
    const rivalLink = await createLink({ affiliateId: rival.id });

    // The buyer clicks the honest affiliate's link; their visitor id shows in the landing URL.
    const visit = await hub.http.get(`/r/${victimLink.code}`).expect(302);
    const victimVisitorId = new URL(visit.headers.location as string).searchParams.get('hub_vid') ?? '';
    expect(victimVisitorId).toMatch(/^vis_/);

    // The rival clicks their own link with it, later: the hub gives them a visitor id of their own.
    hub.clock.advance(60_000);
    const theft = await hub.http.get(`/r/${rivalLink.code}?hub_vid=${victimVisitorId}`).expect(302);
    const rivalVisit = new URL(theft.headers.location as string).searchParams;
    expect(rivalVisit.get('hub_vid')).not.toBe(victimVisitorId);
    const rivalClick = await api.get(`/api/v1/clicks/${rivalVisit.get('hub_click')}`).expect(200);
    expect(rivalClick.body.data).toMatchObject({ affiliateId: rival.id });
    expect(rivalClick.body.data.visitorId).not.toBe(victimVisitorId);

    // The buyer's sale, attributed by their visitor id, still goes to the affiliate they came through.
    const sale = await api.post('/api/v1/conversions', { campaignId, visitorId: victimVisitorId, amount: '40.00', orderId: 'stolen-visitor-1' }).expect(201);
    expect(sale.body.data).toMatchObject({ affiliateId, visitorId: victimVisitorId });
  });

  it('answers an unknown code with a 404 page', async () => {
    const response = await hub.http.get('/r/no-such-code').expect(404);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('Link not found');
  });

  it('stores at most 30 clicks per IP per minute but always redirects', async () => {
    const link = await createLink();
    hub.clock.advance(61_000); // a fresh window for this IP
    const responses = [];
    for (let index = 0; index < 32; index += 1) responses.push(await hub.http.get(`/r/${link.code}`).expect(302));
    const clickIds = responses.map((response) => new URL(response.headers.location as string).searchParams.get('hub_click'));
    expect(clickIds.slice(0, 30).every((id) => id?.startsWith('clk_'))).toBe(true);
    expect(clickIds.slice(30)).toEqual([null, null]);
    for (const response of responses.slice(30)) expect(new URL(response.headers.location as string).searchParams.get('hub_vid')).toMatch(/^vis_/);
    const stored = await api.get(`/api/v1/clicks?campaignId=${campaignId}&perPage=500`).expect(200);
    expect(stored.body.data.filter((click: { linkCode: string }) => click.linkCode === link.code)).toHaveLength(30);
    hub.clock.advance(60_000);
    const afterWindow = await hub.http.get(`/r/${link.code}`).expect(302);
    expect(new URL(afterWindow.headers.location as string).searchParams.get('hub_click')).toMatch(/^clk_/);
  });

  it('records clicks server-side by code or by campaign and affiliate', async () => {
    const link = await createLink();
    const byCode = await api.post('/api/v1/clicks', { code: link.code, subIds: ['s1'] }).expect(201);
    expect(byCode.body.data).toMatchObject({ campaignId, affiliateId, linkCode: link.code, subIds: ['s1'] });
    expect(byCode.body.data.clickId).toMatch(/^clk_/);
    expect(byCode.body.data.visitorId).toMatch(/^vis_/);
    const byIds = await api.post('/api/v1/clicks', { campaignId, affiliateId, visitorId: 'visitor-from-my-app' }).expect(201);
    expect(byIds.body.data).toMatchObject({ campaignId, affiliateId, visitorId: 'visitor-from-my-app', linkCode: null });
    expect(Object.keys(byIds.body.data)).toEqual(expect.arrayContaining(['clickId', 'visitorId', 'campaignId', 'affiliateId', 'createdAt']));
  });

  it('serves hub.js as JavaScript', async () => {
    const response = await hub.http.get('/hub.js').expect(200);
    expect(response.headers['content-type']).toMatch(/application\/javascript/);
    expect(response.text).toContain('window.conversionHub');
  });
});
