/**
 * @module A fixture delivery as its processor sends it: the bytes, the headers and the signature
 * over those bytes with the processor's real scheme — Stripe's `t=…,v1=…` (its own library's
 * `generateTestHeaderString`), Paddle's `ts=…;h1=…` over `ts:body`, Lemon Squeezy's hex and
 * WooCommerce's base64 HMAC-SHA256 of the body, Gumroad's form with the URL token, GoPay's bare GET.
 */
import { createHmac, randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { ProviderId } from '../../contract/providers.js';
import { loadFixtureFile } from './fixture-catalog.js';

export interface OutgoingDelivery {
  method: 'POST' | 'GET';
  /** Path and query, from the hub's root (`/webhooks/stripe/con_…`). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SigningContext {
  connectionId: string;
  /** The signing secret (Stripe, Paddle, Lemon Squeezy, WooCommerce) or the URL token (Gumroad). */
  secret: string;
  /** WooCommerce: the store's address, sent as `X-WC-Webhook-Source`. */
  storeUrl?: string | undefined;
  /** The fixture the delivery came from (`order.updated.1`): WooCommerce's recorded headers are beside it. */
  fixtureName: string;
  nowSeconds: number;
}

const hmac = (secret: string, content: string) => createHmac('sha256', secret).update(content);

/** `ERB::Util.url_encode`, as Gumroad's HTTParty encodes its form: everything but unreserved characters escaped. */
function railsUrlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function gumroadForm(ping: Record<string, unknown>): string {
  return Object.entries(ping)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${railsUrlEncode(name)}=${railsUrlEncode(String(item))}`))
    .join('&');
}

export function signedDelivery(provider: ProviderId, delivery: Record<string, unknown>, context: SigningContext): OutgoingDelivery {
  const path = `/webhooks/${provider}/${encodeURIComponent(context.connectionId)}`;
  const body = JSON.stringify(delivery);
  const { secret, nowSeconds } = context;
  switch (provider) {
    case 'stripe':
      return {
        method: 'POST', path, body, headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: nowSeconds }),
        },
      };
    case 'paddle':
      return { method: 'POST', path, body, headers: { 'content-type': 'application/json', 'paddle-signature': `ts=${nowSeconds};h1=${hmac(secret, `${nowSeconds}:${body}`).digest('hex')}` } };
    case 'lemonsqueezy':
      return {
        method: 'POST', path, body, headers: {
          'content-type': 'application/json',
          'x-event-name': String((delivery.meta as Record<string, unknown>).event_name),
          'x-signature': hmac(secret, body).digest('hex'),
        },
      };
    case 'woocommerce': {
      const recorded = loadFixtureFile<Record<string, string>>('woocommerce', `${context.fixtureName}.headers`);
      const headers = Object.fromEntries(Object.entries(recorded).map(([name, value]) => [name.toLowerCase(), value]));
      headers['x-wc-webhook-delivery-id'] = randomBytes(16).toString('hex');
      if (context.storeUrl) headers['x-wc-webhook-source'] = context.storeUrl;
      return { method: 'POST', path, body, headers: { ...headers, 'x-wc-webhook-signature': hmac(secret, body).digest('base64') } };
    }
    case 'gumroad':
      return {
        method: 'POST', path: `${path}?token=${encodeURIComponent(secret)}`, body: gumroadForm(delivery),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Ruby' },
      };
    case 'gopay':
      return { method: 'GET', path: `${path}?id=${encodeURIComponent(String(delivery.id))}`, headers: {} };
  }
}
