/**
 * @module What each processor sends for `npm run demo`: one purchase and one refund per processor,
 * built from the repo's fixtures, carrying the demo click's attribution where a merchant would put
 * it, signed (or confirmed through the API doubles) exactly as the processor does.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import type { ProviderId } from '../contract/providers.js';
import type { GoPayApiDouble, GoPayPayment, GoPayRefund } from '../doubles/gopay-api-double.js';
import type { GumroadApiDouble, GumroadApiSale } from '../doubles/gumroad-api-double.js';

type Json = Record<string, unknown>;

export interface DemoAttribution {
  clickId: string;
  visitorId: string;
  programId: string;
}

export interface DemoContext {
  webhookUrl: string;
  attribution: DemoAttribution;
  gopay: GoPayApiDouble;
  gumroad: GumroadApiDouble;
}

export interface DemoProcessor {
  provider: ProviderId;
  /** The connection to create: its secrets and options (API doubles named through `apiBase`). */
  connection(context: Pick<DemoContext, 'gopay' | 'gumroad'>): { secrets?: string[]; options?: Json };
  purchase(context: DemoContext): Promise<void>;
  refund(context: DemoContext): Promise<void>;
}

function fixture<T = Json>(provider: string, name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${provider}/${name}.json`, import.meta.url), 'utf8')) as T;
}

const hex = (secret: string, content: string) => createHmac('sha256', secret).update(content).digest('hex');

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers, body });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
}

function attributionRecord(attribution: DemoAttribution): Record<string, string> {
  return { visitor_id: attribution.visitorId, click_id: attribution.clickId, program_id: attribution.programId };
}

const STRIPE_SECRET = 'whsec_demo_0123456789abcdefghijklmnop';
const PADDLE_SECRET = 'pdl_ntfset_demo_0123456789abcdefghijklmnop';
const LEMON_SQUEEZY_SECRET = 'ls_demo_signing_secret_0123456789';
const WOO_SECRET = 'woo_demo_secret_0123456789abcdefghij';
const GOPAY = { goid: 8123456789, clientId: '1061399163', clientSecret: 'demoSecret' };
const GUMROAD_TOKEN = 'gumroad-demo-access-token-0123456789';

function sendStripe(url: string, event: Json): Promise<void> {
  const body = JSON.stringify(event);
  return post(url, body, { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) });
}

function sendPaddle(url: string, event: Json): Promise<void> {
  const body = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  return post(url, body, { 'content-type': 'application/json', 'paddle-signature': `ts=${timestamp};h1=${hex(PADDLE_SECRET, `${timestamp}:${body}`)}` });
}

function sendLemonSqueezy(url: string, event: Json): Promise<void> {
  const body = JSON.stringify(event);
  return post(url, body, { 'content-type': 'application/json', 'x-signature': hex(LEMON_SQUEEZY_SECRET, body) });
}

function sendWooCommerce(url: string, name: string, change: (order: Json) => void): Promise<void> {
  const order = fixture('woocommerce', name);
  change(order);
  const body = JSON.stringify(order);
  const headers = fixture<Record<string, string>>('woocommerce', `${name}.headers`);
  return post(url, body, { ...headers, 'x-wc-webhook-signature': createHmac('sha256', WOO_SECRET).update(body).digest('base64') });
}

function wooAttribution(order: Json, attribution: DemoAttribution): void {
  const meta = (order.meta_data as { key: string; value: unknown }[]).filter((entry) => !['visitor_id', 'click_id', 'program_id'].includes(entry.key));
  order.meta_data = [...meta, ...Object.entries(attributionRecord(attribution)).map(([key, value]) => ({ key, value }))];
}

function gumroadPing(name: string, attribution: DemoAttribution | null): string {
  const ping = fixture<Record<string, string>>('gumroad', name);
  const fields = Object.entries(ping).filter(([key]) => !key.startsWith('url_params['));
  if (attribution) for (const [key, value] of Object.entries(attributionRecord(attribution))) fields.push([`url_params[${key}]`, value]);
  return new URLSearchParams(fields).toString();
}

export const DEMO_PROCESSORS: readonly DemoProcessor[] = [
  {
    provider: 'stripe',
    connection: () => ({ secrets: [STRIPE_SECRET] }),
    async purchase({ webhookUrl, attribution }) {
      const event = fixture<{ data: { object: Json } }>('stripe', 'checkout.session.completed.1');
      event.data.object.metadata = attributionRecord(attribution);
      event.data.object.client_reference_id = attribution.clickId;
      await sendStripe(webhookUrl, event);
    },
    refund: ({ webhookUrl }) => sendStripe(webhookUrl, fixture('stripe', 'charge.refunded.1')),
  },
  {
    provider: 'paddle',
    connection: () => ({ secrets: [PADDLE_SECRET] }),
    async purchase({ webhookUrl, attribution }) {
      const event = fixture<{ data: Json }>('paddle', 'transaction.completed.1');
      event.data.custom_data = attributionRecord(attribution);
      await sendPaddle(webhookUrl, event);
    },
    refund: ({ webhookUrl }) => sendPaddle(webhookUrl, fixture('paddle', 'adjustment.updated.1')),
  },
  {
    provider: 'lemonsqueezy',
    connection: () => ({ secrets: [LEMON_SQUEEZY_SECRET] }),
    async purchase({ webhookUrl, attribution }) {
      const event = fixture<{ meta: Json }>('lemonsqueezy', 'order_created.1');
      event.meta.custom_data = attributionRecord(attribution);
      await sendLemonSqueezy(webhookUrl, event);
    },
    refund: ({ webhookUrl }) => sendLemonSqueezy(webhookUrl, fixture('lemonsqueezy', 'order_refunded.1')),
  },
  {
    provider: 'woocommerce',
    connection: () => ({ secrets: [WOO_SECRET], options: { storeUrl: 'https://shop.example.com/' } }),
    purchase: ({ webhookUrl, attribution }) => sendWooCommerce(webhookUrl, 'order.updated.1', (order) => wooAttribution(order, attribution)),
    refund: ({ webhookUrl, attribution }) => sendWooCommerce(webhookUrl, 'order.updated.2', (order) => wooAttribution(order, attribution)),
  },
  {
    provider: 'gumroad',
    connection: ({ gumroad }) => ({ options: { accessToken: GUMROAD_TOKEN, apiBase: gumroad.apiBase } }),
    async purchase({ webhookUrl, attribution, gumroad }) {
      gumroad.addAccessToken(GUMROAD_TOKEN);
      gumroad.setSale(fixture<{ sale: GumroadApiSale }>('gumroad', 'api.sale.1').sale);
      await post(webhookUrl, gumroadPing('sale.1', attribution), { 'content-type': 'application/x-www-form-urlencoded' });
    },
    async refund({ webhookUrl, gumroad }) {
      // A partial refund's ping carries no amount: the hub reads it from the Sales API (the double here).
      gumroad.setSale(fixture<{ sale: GumroadApiSale }>('gumroad', 'api.sale.2').sale);
      await post(webhookUrl, gumroadPing('refund.1', null), { 'content-type': 'application/x-www-form-urlencoded' });
    },
  },
  {
    provider: 'gopay',
    connection: ({ gopay }) => ({ options: { ...GOPAY, apiBase: gopay.apiBase } }),
    async purchase({ webhookUrl, attribution, gopay }) {
      const payment = fixture<GoPayPayment>('gopay', 'payment.PAID.1');
      gopay.setPayment({ ...payment, additional_params: Object.entries(attributionRecord(attribution)).map(([name, value]) => ({ name, value })) });
      await fetchNotification(webhookUrl, payment.id);
    },
    async refund({ webhookUrl, gopay }) {
      const paid = fixture<GoPayPayment>('gopay', 'payment.PAID.1');
      const current = gopay.payment(paid.id) ?? paid;
      gopay.setPayment({ ...current, state: 'PARTIALLY_REFUNDED' }, fixture<GoPayRefund[]>('gopay', 'refunds.1'));
      await fetchNotification(webhookUrl, paid.id);
    },
  },
];

/** GoPay notifies with a bare GET carrying the payment id; the hub asks GoPay (the double) what happened. */
async function fetchNotification(webhookUrl: string, paymentId: number): Promise<void> {
  const response = await fetch(`${webhookUrl}?id=${paymentId}`);
  if (response.status !== 200) throw new Error(`GoPay notification answered ${response.status}: ${await response.text()}`);
}

export const DEMO_GOPAY_CREDENTIALS = GOPAY;
