/**
 * @module `npm run demo`: the whole product in one command. It starts a hub on an in-memory
 * database (or on DATABASE_URL, or uses a running hub at DEMO_HUB_URL with HUB_ADMIN_TOKEN),
 * starts local doubles of the GoPay and Gumroad APIs, creates a merchant, a campaign, an affiliate
 * and a link, clicks the link, then sends one signed purchase and one refund per processor through
 * the real webhook endpoints and prints the conversions and commissions they became.
 */
import { randomBytes } from 'node:crypto';
import { readConfig } from '../config.js';
import { startGoPayApiDouble } from '../doubles/gopay-api-double.js';
import { startGumroadApiDouble } from '../doubles/gumroad-api-double.js';
import { startHub, type RunningHub } from '../hub.js';
import { silentLogger } from '../lib/logger.js';
import { formatMinorAsDecimal, parseMajorAmount } from '../lib/money.js';
import { DEMO_GOPAY_CREDENTIALS, DEMO_PROCESSORS } from './demo-processors.js';

type Json = Record<string, unknown>;

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function call(baseUrl: string, method: string, path: string, token: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Json;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function hubForDemo(): Promise<{ baseUrl: string; adminToken: string; hub: RunningHub | null }> {
  const external = process.env.DEMO_HUB_URL;
  if (external) {
    const adminToken = process.env.HUB_ADMIN_TOKEN;
    if (!adminToken) throw new Error('DEMO_HUB_URL needs HUB_ADMIN_TOKEN (the running hub\'s admin token)');
    return { baseUrl: external.replace(/\/+$/, ''), adminToken, hub: null };
  }
  const adminToken = `demo_admin_${randomBytes(12).toString('hex')}`;
  const config = readConfig({
    DATABASE_URL: process.env.DATABASE_URL ?? 'memory://',
    // A throw-away key when none is given: the demo's data is not meant to outlive it.
    HUB_SECRET_KEY: process.env.HUB_SECRET_KEY ?? randomBytes(32).toString('hex'),
    HUB_ADMIN_TOKEN: adminToken,
    PORT: process.env.PORT ?? '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    // The GoPay and Gumroad API doubles listen on loopback over http.
    HUB_ALLOW_PRIVATE_NETWORK: '1',
  });
  const hub = await startHub(config, { logger: silentLogger });
  return { baseUrl: hub.url, adminToken, hub };
}

async function waitForProcessing(baseUrl: string, key: string): Promise<Json[]> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const events = (await call(baseUrl, 'GET', '/api/v1/events?perPage=500', key)).data as Json[];
    if (events.every((event) => !['received', 'processing'].includes(String(event.status)))) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('events were still being processed after 10 s');
}

/** An API amount shown with its currency's decimals ("10 USD" → "10.00 USD"), without float arithmetic. */
function formatMoney(value: unknown, currency: string): string {
  const parsed = parseMajorAmount(value, currency);
  return parsed.ok ? `${formatMinorAsDecimal(parsed.minor, currency)} ${currency}` : `${String(value)} ${currency}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) => row.map((cell, column) => (column >= 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [line(rows[0] ?? []), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.slice(1).map(line)];
}

async function main(): Promise<void> {
  const { baseUrl, adminToken, hub } = await hubForDemo();
  const gopay = await startGoPayApiDouble({ clientId: DEMO_GOPAY_CREDENTIALS.clientId, clientSecret: DEMO_GOPAY_CREDENTIALS.clientSecret });
  const gumroad = await startGumroadApiDouble();
  try {
    print(`conversion-hub demo against ${baseUrl}${hub ? ` (${hub.database.description})` : ''}`);
    const merchant = (await call(baseUrl, 'POST', '/admin/v1/merchants', adminToken, { name: 'Demo Store' })).data as Json;
    const key = String((merchant.apiKeys as Json).write);
    const campaign = (await call(baseUrl, 'POST', '/api/v1/campaigns', key, { name: 'Demo launch', currency: 'USD', commission: { type: 'percent', rate: 20 } })).data as Json;
    const affiliate = (await call(baseUrl, 'POST', '/api/v1/affiliates', key, { name: 'Ada Affiliate', email: 'ada@example.com', campaignId: campaign.id })).data as Json;
    const link = (await call(baseUrl, 'POST', '/api/v1/links', key, { campaignId: campaign.id, affiliateId: affiliate.id, destinationUrl: 'https://shop.example.com/pricing' })).data as Json;
    const redirect = await fetch(`${baseUrl}/r/${String(link.code)}`, { redirect: 'manual' });
    const landing = new URL(redirect.headers.get('location') ?? '');
    const attribution = { clickId: landing.searchParams.get('hub_click') ?? '', visitorId: landing.searchParams.get('hub_vid') ?? '', programId: String(campaign.id) };
    print(`merchant ${String(merchant.id)}, campaign ${String(campaign.id)} (20 % of net), affiliate ${String(affiliate.id)}`);
    print(`a buyer clicked ${String(link.url)} → ${redirect.status} to ${landing.origin}${landing.pathname} with click ${attribution.clickId}`);
    print();

    for (const processor of DEMO_PROCESSORS) {
      const settings = processor.connection({ gopay, gumroad });
      const connection = (await call(baseUrl, 'POST', '/api/v1/connections', key, { provider: processor.provider, campaignId: campaign.id, ...settings })).data as Json;
      const context = { webhookUrl: String(connection.webhookUrl), attribution, gopay, gumroad };
      await processor.purchase(context);
      await waitForProcessing(baseUrl, key);
      await processor.refund(context);
      print(`${processor.provider.padEnd(13)} purchase and refund delivered to ${String(connection.webhookUrl).replace(/\?token=.*/, '?token=…')}`);
    }

    const events = await waitForProcessing(baseUrl, key);
    const order = DEMO_PROCESSORS.map((processor) => processor.provider as string);
    const conversions = ((await call(baseUrl, 'GET', '/api/v1/conversions?perPage=500', key)).data as Json[])
      .sort((left, right) => order.indexOf(String(left.source)) - order.indexOf(String(right.source)));
    print();
    const money = (conversion: Json, field: string) => formatMoney(conversion[field], String(conversion.currency));
    const rows = [['processor', 'order', 'amount', 'refunded', 'commission', 'status'],
      ...conversions.map((conversion) => [
        String(conversion.source), String(conversion.orderId), money(conversion, 'amount'), money(conversion, 'refundedAmount'), money(conversion, 'commission'), String(conversion.status),
      ])];
    for (const line of table(rows)) print(line);
    print();
    const byStatus = events.reduce<Record<string, number>>((counts, event) => ({ ...counts, [String(event.status)]: (counts[String(event.status)] ?? 0) + 1 }), {});
    print(`${events.length} webhook deliveries stored and processed: ${Object.entries(byStatus).map(([status, count]) => `${count} ${status}`).join(', ')}`);
    print('Each refund cut the commission pro rata; see every ledger line with GET /api/v1/conversions/:id.');
    if (conversions.length !== DEMO_PROCESSORS.length) throw new Error(`expected ${DEMO_PROCESSORS.length} conversions, got ${conversions.length}`);
  } finally {
    await Promise.all([gopay.close(), gumroad.close(), hub?.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
