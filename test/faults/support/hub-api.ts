/**
 * The hub's own API, spoken over HTTP to a child process: a merchant set up as an operator would
 * (admin API, then the merchant API) and the reads the fault tests assert with — the event log and
 * the conversions. Every call has a timeout; the base URL is passed each time because a restarted
 * hub listens on a new port.
 */
import { FAULT_ADMIN_TOKEN } from './hub-environment.js';

const CALL_TIMEOUT_MS = 15_000;

export interface FaultMerchant {
  merchantId: string;
  writeKey: string;
  readKey: string;
  campaignId: string;
  affiliateId: string;
  clickId: string;
  visitorId: string;
}

export interface FaultConnection {
  id: string;
  webhookUrl: string;
}

export async function callHub<T = unknown>(baseUrl: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the failure message
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

async function expectStatus<T>(call: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
  const response = await call;
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`);
  return response.body;
}

/** A merchant with a USD campaign paying 20 %, an approved affiliate and one recorded click. */
export async function createFaultMerchant(baseUrl: string, campaign: Record<string, unknown> = {}): Promise<FaultMerchant> {
  const merchant = await expectStatus(callHub<{ data: { id: string; apiKeys: { write: string; read: string } } }>(baseUrl, 'POST', '/admin/v1/merchants', FAULT_ADMIN_TOKEN, { name: 'Fault Suite Shop' }), 201, 'create merchant');
  const writeKey = merchant.data.apiKeys.write;
  const created = await expectStatus(callHub<{ data: { id: string } }>(baseUrl, 'POST', '/api/v1/campaigns', writeKey,
    { name: 'Fault campaign', currency: 'USD', commission: { type: 'percent', rate: 20 }, ...campaign }), 201, 'create campaign');
  const campaignId = created.data.id;
  const affiliate = await expectStatus(callHub<{ data: { id: string } }>(baseUrl, 'POST', '/api/v1/affiliates', writeKey,
    { name: 'Ada Affiliate', email: 'ada@affiliates.test', campaignId }), 201, 'create affiliate');
  const click = await expectStatus(callHub<{ data: { clickId: string; visitorId: string } }>(baseUrl, 'POST', '/api/v1/clicks', writeKey,
    { campaignId, affiliateId: affiliate.data.id }), 201, 'record click');
  return {
    merchantId: merchant.data.id, writeKey, readKey: merchant.data.apiKeys.read, campaignId, affiliateId: affiliate.data.id,
    clickId: click.data.clickId, visitorId: click.data.visitorId,
  };
}

/** A processor connection on the merchant's campaign (`connection` is the body without `campaignId`). */
export async function createFaultConnection(baseUrl: string, merchant: FaultMerchant, connection: Record<string, unknown>): Promise<FaultConnection> {
  const created = await expectStatus(callHub<{ data: { id: string; webhookUrl: string } }>(baseUrl, 'POST', '/api/v1/connections', merchant.writeKey,
    { campaignId: merchant.campaignId, ...connection }), 201, `create ${String(connection.provider)} connection`);
  return { id: created.data.id, webhookUrl: created.data.webhookUrl };
}

export interface EventView {
  id: string;
  providerEventId: string;
  status: string;
  reason: string | null;
  error: string | null;
  attempts: number;
  conversionIds: string[];
}

/** How many events the connection has stored (the event log's total), or how many have `status`. */
export async function countEvents(baseUrl: string, merchant: FaultMerchant, connectionId: string, status?: string): Promise<number> {
  const filter = status === undefined ? '' : `&status=${status}`;
  const page = await expectStatus(callHub<{ pagination: { total: number } }>(baseUrl, 'GET', `/api/v1/events?connectionId=${connectionId}${filter}&perPage=1`, merchant.readKey), 200, 'count events');
  return page.pagination.total;
}

/** Every event of the connection (paged through, 500 at a time). */
export async function listEvents(baseUrl: string, merchant: FaultMerchant, connectionId: string): Promise<EventView[]> {
  return listAll<EventView>(baseUrl, merchant.readKey, `/api/v1/events?connectionId=${connectionId}`, 'list events');
}

export async function readEvent(baseUrl: string, merchant: FaultMerchant, eventId: string): Promise<EventView> {
  const body = await expectStatus(callHub<{ data: EventView }>(baseUrl, 'GET', `/api/v1/events/${eventId}`, merchant.readKey), 200, `read event ${eventId}`);
  return body.data;
}

export interface ConversionSummary {
  id: string;
  orderId: string;
  status: string;
}

export async function listConversions(baseUrl: string, merchant: FaultMerchant): Promise<ConversionSummary[]> {
  return listAll<ConversionSummary>(baseUrl, merchant.readKey, '/api/v1/conversions?', 'list conversions');
}

async function listAll<T>(baseUrl: string, key: string, path: string, what: string): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; ; page += 1) {
    const separator = path.endsWith('?') ? '' : '&';
    const body = await expectStatus(callHub<{ data: T[]; pagination: { total: number } }>(baseUrl, 'GET', `${path}${separator}perPage=500&page=${page}`, key), 200, what);
    rows.push(...body.data);
    if (body.data.length === 0 || rows.length >= body.pagination.total) return rows;
  }
}

/** GET /healthz: its status, or null when it does not answer within `timeoutMs`. */
export async function healthStatus(baseUrl: string, timeoutMs = 5_000): Promise<number | null> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
