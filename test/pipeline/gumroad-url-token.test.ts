/**
 * Gumroad URL tokens are secrets (issue 11, point 1). A read key could read a connection's
 * `webhookUrl` with its `?token=`, the only authentication of a Gumroad ping without an access
 * token, and forge a $999 sale with it. Now the token is whole only in the answer that generated it
 * (the creation, a rotation) and afterwards shown as a prefix; a rotation keeps the replaced token
 * working for its grace period (24 h by the hub's clock), then refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { attributedGumroadFixture, sendGumroadPing, setUpGumroadMerchant, withGumroadFields, type GumroadMerchant } from '../helpers/gumroad.js';
import { conversionsOf } from '../helpers/stripe.js';
import { apiClient, createTestHub, type TestHub } from '../helpers/test-hub.js';

const HOUR_MS = 60 * 60 * 1000;
const GRACE_PERIOD_MS = 24 * HOUR_MS;

interface ShownConnection {
  id: string;
  webhookUrl: string;
  tokenPrefix: string;
  previousTokenValidUntil: string | null;
}

/** The sale of the report, as a form POST: sale id, $999 in cents, and a click of the merchant's. */
function forgedSale(clickId: string): string {
  return `sale_id=forged_1&price=99900&url_params%5Bclick_id%5D=${clickId}`;
}

function tokenOf(webhookUrl: string): string | null {
  return new URL(webhookUrl).searchParams.get('token');
}

describe('Gumroad URL tokens', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  const rotateTokenPath = (connectionId: string) => `/api/v1/connections/${connectionId}/rotate-token`;
  const postForm = (path: string, body: string) => hub.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send(body);
  const pathOf = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };
  /** A ping of a sale of its own (so each accepted one is stored), sent with `token`. */
  const pingWith = (merchant: GumroadMerchant, token: string, saleId: string) =>
    sendGumroadPing(hub, merchant, withGumroadFields(attributedGumroadFixture('sale.1', merchant), { sale_id: saleId }), { token });
  const expectRefused = (response: { status: number; body: { error?: { code?: string } } }) => {
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe('invalid_signature');
  };
  const rotate = async (merchant: GumroadMerchant, body?: Record<string, unknown>): Promise<ShownConnection> =>
    (await merchant.api.post(rotateTokenPath(merchant.connectionId), body).expect(200)).body.data as ShownConnection;

  it('shows the token whole only in the creation answer, whose URL works; GET and the list show it to no key, only its prefix', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    expect(merchant.connection).toMatchObject({
      webhookUrl: `https://hub.test/webhooks/gumroad/${merchant.connectionId}?token=${merchant.token}`,
      tokenPrefix: merchant.token.slice(0, 4),
      previousTokenValidUntil: null,
    });

    for (const key of [merchant.readKey, merchant.writeKey]) {
      const api = apiClient(hub, key);
      const shown = await api.get(`/api/v1/connections/${merchant.connectionId}`).expect(200);
      expect(shown.body.data).toMatchObject({ webhookUrl: `https://hub.test/webhooks/gumroad/${merchant.connectionId}`, tokenPrefix: merchant.token.slice(0, 4) });
      const listed = await api.get('/api/v1/connections?provider=gumroad').expect(200);
      expect(listed.body.data).toMatchObject([{ id: merchant.connectionId, webhookUrl: `https://hub.test/webhooks/gumroad/${merchant.connectionId}`, tokenPrefix: merchant.token.slice(0, 4) }]);
      expect(JSON.stringify([shown.body, listed.body])).not.toContain(merchant.token);
    }

    await postForm(pathOf(merchant.webhookUrl), forgedSale(merchant.clickId)).expect(200);
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toMatchObject([{ source: 'gumroad', orderId: 'forged_1', amount: 999, status: 'pending' }]);
  });

  it('refuses the reported forgery: the sale POSTed to what a read key sees answers 400 invalid_signature and stores nothing', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const shown = (await apiClient(hub, merchant.readKey).get(`/api/v1/connections/${merchant.connectionId}`).expect(200)).body.data as ShownConnection;
    const seen = pathOf(shown.webhookUrl);
    const before = await snapshotDatabase(hub.services.db);
    for (const path of [seen, `${seen}?token=${shown.tokenPrefix}`, `${seen}?token=${encodeURIComponent(`${shown.tokenPrefix}…`)}`]) {
      expectRefused(await postForm(path, forgedSale(merchant.clickId)));
    }
    await hub.services.processor.drain();
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('rotates with a write key: the new URL works at once and is not shown again, the old one works for 24 h, then is refused', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const rotatedAt = hub.clock.now().getTime();
    const rotated = await rotate(merchant);
    const newToken = tokenOf(rotated.webhookUrl) ?? '';
    expect(newToken).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(newToken).not.toBe(merchant.token);
    expect(rotated).toMatchObject({
      id: merchant.connectionId,
      webhookUrl: `https://hub.test/webhooks/gumroad/${merchant.connectionId}?token=${newToken}`,
      tokenPrefix: newToken.slice(0, 4),
      previousTokenValidUntil: new Date(rotatedAt + GRACE_PERIOD_MS).toISOString(),
    });
    const shown = await merchant.api.get(`/api/v1/connections/${merchant.connectionId}`).expect(200);
    expect(shown.body.data).toMatchObject({ webhookUrl: `https://hub.test/webhooks/gumroad/${merchant.connectionId}`, tokenPrefix: newToken.slice(0, 4) });
    expect(JSON.stringify(shown.body)).not.toMatch(new RegExp(`${newToken}|${merchant.token}`));

    await pingWith(merchant, newToken, 'rotation-new-1').expect(200);
    await pingWith(merchant, merchant.token, 'rotation-old-1').expect(200);
    hub.clock.advance(GRACE_PERIOD_MS - 1_000);
    await pingWith(merchant, merchant.token, 'rotation-old-2').expect(200);

    hub.clock.advance(1_000);
    const before = await snapshotDatabase(hub.services.db);
    expectRefused(await pingWith(merchant, merchant.token, 'rotation-old-3'));
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    await pingWith(merchant, newToken, 'rotation-new-2').expect(200);
    const after = await merchant.api.get(`/api/v1/connections/${merchant.connectionId}`).expect(200);
    expect(after.body.data.previousTokenValidUntil).toBeNull();
  });

  it('refuses a read key: 403 insufficient_permissions, and the token stays the only one', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const refused = await apiClient(hub, merchant.readKey).post(rotateTokenPath(merchant.connectionId));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_permissions');
    expect(JSON.stringify(refused.body)).not.toContain('token=');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    await pingWith(merchant, merchant.token, 'read-key-rotation').expect(200);
  });

  it('answers 404 for another merchant’s connection as for an unknown id, and 400 for a provider without URL tokens', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const other = await setUpGumroadMerchant(hub);
    const stripe = (await merchant.api.post('/api/v1/connections', { provider: 'stripe', campaignId: merchant.campaignId, secrets: ['whsec_rotate_1'] }).expect(201)).body.data as { id: string };
    const before = await snapshotDatabase(hub.services.db);

    const foreign = await merchant.api.post(rotateTokenPath(other.connectionId));
    const missing = await merchant.api.post(rotateTokenPath('con_missing'));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect({ status: foreign.status, body: foreign.body }).toEqual({ status: missing.status, body: missing.body });

    const signed = await merchant.api.post(rotateTokenPath(stripe.id));
    expect(signed.status).toBe(400);
    expect(signed.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'provider' }] });
    expect(signed.body.error.message).toMatch(/no URL token.*PATCH/);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    await pingWith(other, other.token, 'foreign-rotation').expect(200);
  });

  it('ends every replaced token at once with gracePeriodSeconds 0 (a leaked token), older rotations’ included', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const second = tokenOf((await rotate(merchant)).webhookUrl) ?? '';
    const third = await rotate(merchant, { gracePeriodSeconds: 0 });
    expect(third.previousTokenValidUntil).toBeNull();
    expectRefused(await pingWith(merchant, merchant.token, 'leak-first'));
    expectRefused(await pingWith(merchant, second, 'leak-second'));
    await pingWith(merchant, tokenOf(third.webhookUrl) ?? '', 'leak-third').expect(200);
  });

  it('keeps each replaced token for its own grace period across rotations and a PATCH of the options', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const second = tokenOf((await rotate(merchant)).webhookUrl) ?? '';
    hub.clock.advance(HOUR_MS);
    const third = tokenOf((await rotate(merchant, { gracePeriodSeconds: 2 * 3600 })).webhookUrl) ?? '';
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { options: {} }).expect(200);
    for (const [token, saleId] of [[merchant.token, 'kept-first'], [second, 'kept-second'], [third, 'kept-third']] as const) {
      await pingWith(merchant, token, saleId).expect(200);
    }
    hub.clock.advance(2 * HOUR_MS);
    expectRefused(await pingWith(merchant, merchant.token, 'ended-first'));
    expectRefused(await pingWith(merchant, second, 'ended-second'));
    await pingWith(merchant, third, 'still-third').expect(200);
  });

  it.each([
    ['a negative grace period', { gracePeriodSeconds: -1 }],
    ['a grace period over 24 h', { gracePeriodSeconds: 86_401 }],
    ['a fractional grace period', { gracePeriodSeconds: 1.5 }],
    ['an unknown field', { token: 'chosen-by-the-caller' }],
  ])('refuses %s and changes nothing', async (_label, body) => {
    const merchant = await setUpGumroadMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const response = await merchant.api.post(rotateTokenPath(merchant.connectionId), body).expect(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });
});
