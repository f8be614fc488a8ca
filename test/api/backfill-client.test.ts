/**
 * A client no one here wrote: the backfill loop affiliate platforms document for their conversions
 * APIs. POST each sale with its orderId; 409 means "already synced"; on 429 wait Retry-After
 * seconds and retry; when X-RateLimit-Remaining reaches 0, wait for X-RateLimit-Reset. Time is the
 * test's clock, so waiting is instant and the hub sees exactly the minutes the client waited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

interface Sale {
  orderId: string;
  amount: string;
  currency: string;
}

interface SyncReport {
  created: number;
  alreadySynced: number;
  rateLimited: number;
  waitedSeconds: number;
}

async function backfill(baseUrl: string, apiKey: string, campaignId: string, affiliateId: string, sales: Sale[],
  sleep: (seconds: number) => void, nowSeconds: () => number, options: { stopAfter?: number; watchRemaining?: boolean } = {}): Promise<SyncReport> {
  const { stopAfter = Number.POSITIVE_INFINITY, watchRemaining = true } = options;
  const report: SyncReport = { created: 0, alreadySynced: 0, rateLimited: 0, waitedSeconds: 0 };
  let sent = 0;
  for (const sale of sales) {
    if (sent >= stopAfter) break;
    for (;;) {
      const response = await fetch(`${baseUrl}/api/v1/conversions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': apiKey },
        body: JSON.stringify({ campaignId, affiliateId, ...sale }),
      });
      await response.arrayBuffer();
      if (response.status === 429) {
        report.rateLimited += 1;
        const wait = Number(response.headers.get('retry-after'));
        report.waitedSeconds += wait;
        sleep(wait);
        continue;
      }
      if (response.status === 201) report.created += 1;
      else if (response.status === 409) report.alreadySynced += 1;
      else throw new Error(`unexpected ${response.status} for ${sale.orderId}`);
      sent += 1;
      if (watchRemaining && response.headers.get('x-ratelimit-remaining') === '0') {
        const wait = Math.max(0, Number(response.headers.get('x-ratelimit-reset')) - nowSeconds());
        report.waitedSeconds += wait;
        sleep(wait);
      }
      break;
    }
  }
  return report;
}

describe('a third-party backfill script syncs a batch exactly once', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ environment: { HUB_RATE_LIMIT_PER_MINUTE: '7' } });
  });
  afterAll(async () => hub.close());

  it('syncs every order once through rate limits, a crash and a full re-run', async () => {
    const merchant = await createMerchant(hub);
    const admin = apiClient(hub, merchant.writeKey);
    const campaign = await admin.post('/api/v1/campaigns', { name: 'Backfill', currency: 'USD', commission: { type: 'percent', rate: 10 } }).expect(201);
    const campaignId = campaign.body.data.id as string;
    const affiliate = await admin.post('/api/v1/affiliates', { name: 'Partner', email: 'p@example.com', campaignId }).expect(201);
    const affiliateId = affiliate.body.data.id as string;
    hub.clock.advance(60_000); // the setup calls above used part of this key's window

    const sales: Sale[] = Array.from({ length: 24 }, (_, index) => {
      if (index % 3 === 1) return { orderId: `legacy-${index}`, amount: String(1000 + index), currency: 'JPY' };
      if (index % 3 === 2) return { orderId: `legacy-${index}`, amount: `${index}.125`, currency: 'KWD' };
      return { orderId: `legacy-${index}`, amount: `${index}.99`, currency: 'USD' };
    });
    const sleep = (seconds: number) => hub.clock.advance(seconds * 1000);
    const nowSeconds = () => Math.floor(hub.clock.now().getTime() / 1000);

    // The script dies after 10 orders, is restarted from the top, then run once more "to be sure".
    // The restart is a simpler script that ignores X-RateLimit-Remaining and only reacts to 429s.
    const crashed = await backfill(hub.url, merchant.writeKey, campaignId, affiliateId, sales, sleep, nowSeconds, { stopAfter: 10 });
    const restarted = await backfill(hub.url, merchant.writeKey, campaignId, affiliateId, sales, sleep, nowSeconds, { watchRemaining: false });
    const rerun = await backfill(hub.url, merchant.writeKey, campaignId, affiliateId, sales, sleep, nowSeconds);

    expect(crashed.created).toBe(10);
    expect(restarted).toMatchObject({ created: 14, alreadySynced: 10 });
    // 24 POSTs at 7 a minute without watching the headers: it was told to wait (429 + Retry-After), and did.
    expect(restarted.rateLimited).toBeGreaterThanOrEqual(3);
    expect(crashed.rateLimited + rerun.rateLimited).toBe(0);
    expect(rerun).toMatchObject({ created: 0, alreadySynced: 24 });
    // 58 POSTs at 7 a minute: the script had to wait, minute after minute.
    expect(crashed.waitedSeconds + restarted.waitedSeconds + rerun.waitedSeconds).toBeGreaterThanOrEqual(7 * 60);

    const rows = await hub.services.db.selectFrom('conversion').select(['order_id', 'currency', 'amount']).where('campaign_id', '=', campaignId).execute();
    expect(rows.map((row) => row.order_id).sort()).toEqual(sales.map((sale) => sale.orderId).sort());
    const byOrder = new Map(rows.map((row) => [row.order_id, row]));
    expect(byOrder.get('legacy-1')).toMatchObject({ currency: 'JPY', amount: 1001 });
    expect(byOrder.get('legacy-2')).toMatchObject({ currency: 'KWD', amount: 2125 });
    expect(byOrder.get('legacy-3')).toMatchObject({ currency: 'USD', amount: 399 });
  });

  it('is refused, not throttled into loss, when it sends bad data: a 4xx other than 409/429 stops the script loudly', async () => {
    const merchant = await createMerchant(hub);
    hub.clock.advance(60_000);
    await expect(backfill(hub.url, merchant.writeKey, 'camp_missing', 'aff_missing', [{ orderId: 'x', amount: '1', currency: 'USD' }],
      (seconds) => hub.clock.advance(seconds * 1000), () => Math.floor(hub.clock.now().getTime() / 1000))).rejects.toThrow('unexpected 404 for x');
  });
});
