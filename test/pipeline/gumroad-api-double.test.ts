/**
 * The local Gumroad API double speaks Gumroad's protocol (fixtures/README.md "Sales API"): the token
 * from a Bearer header or an access_token parameter (Doorkeeper's defaults), `{success, sale}` with
 * 200 — also for an unknown sale — a bare 401/403 with `WWW-Authenticate` for a bad token or scope,
 * and failures it can be told to produce.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGumroadApiDouble, type GumroadApiDouble } from '../../src/doubles/gumroad-api-double.js';
import { GUMROAD_ACCESS_TOKEN, gumroadApiSale } from '../helpers/gumroad.js';

const G1 = 'niBD7_w9Wcu93NQ24c_PhQ==';

describe('Gumroad API double', () => {
  let double: GumroadApiDouble;
  beforeAll(async () => {
    double = await startGumroadApiDouble({ accessTokens: { [GUMROAD_ACCESS_TOKEN]: ['view_sales'], 'profile-only': ['view_profile'] } });
    double.setSale(gumroadApiSale('api.sale.1'));
  });
  afterAll(async () => double.close());
  beforeEach(() => {
    double.recover();
    double.clearRequests();
  });

  const saleUrl = (id = G1) => `${double.apiBase}/v2/sales/${encodeURIComponent(id)}`;

  it('answers a sale to a Bearer token or an access_token parameter', async () => {
    const viaHeader = await fetch(saleUrl(), { headers: { Authorization: `Bearer ${GUMROAD_ACCESS_TOKEN}` } });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.json()).toMatchObject({ success: true, sale: { id: G1, price: 4900, amount_refundable_in_currency: '49' } });
    expect((await fetch(`${saleUrl()}?access_token=${GUMROAD_ACCESS_TOKEN}`)).status).toBe(200);
  });

  it('answers an unknown sale with 200 success: false, as Gumroad does', async () => {
    const response = await fetch(saleUrl('nope=='), { headers: { Authorization: `Bearer ${GUMROAD_ACCESS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: false, message: 'The sale was not found.' });
  });

  it('refuses a missing or unknown token with a bare 401, and a token without view_sales with 403', async () => {
    for (const headers of [{}, { Authorization: 'Bearer unknown' }] as Record<string, string>[]) {
      const response = await fetch(saleUrl(), { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await response.text()).toBe('');
    }
    const narrow = await fetch(saleUrl(), { headers: { Authorization: 'Bearer profile-only' } });
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('changes sales as told, fails as told, records every request, and recovers', async () => {
    double.updateSale(G1, { partially_refunded: true, amount_refundable_in_currency: '39' });
    const auth = { headers: { Authorization: `Bearer ${GUMROAD_ACCESS_TOKEN}` } };
    expect(await (await fetch(saleUrl(), auth)).json()).toMatchObject({ sale: { partially_refunded: true, amount_refundable_in_currency: '39' } });
    double.fail({ kind: 'status', status: 500 }, { times: 2 });
    expect((await fetch(saleUrl(), auth)).status).toBe(500);
    expect((await fetch(saleUrl(), auth)).status).toBe(500);
    expect((await fetch(saleUrl(), auth)).status).toBe(200);
    double.fail({ kind: 'unauthorized' });
    expect((await fetch(saleUrl(), auth)).status).toBe(401);
    double.recover();
    expect(double.requests.map((request) => request.outcome)).toEqual([200, 500, 500, 200, 401]);
    expect(double.saleRequestCount()).toBe(5);
  });
});
