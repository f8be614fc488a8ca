/**
 * The five processors that authenticate a delivery by its bytes or its URL, as the fault corpus
 * needs them: the fixtures to start from (attributed to the merchant's click), the connection to
 * create, and a signer that signs the bytes actually sent with the processor's real scheme — or
 * signs them wrongly on purpose (another secret, the body before mutation, a stale timestamp, a
 * garbled or missing header, a wrong URL token).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { listFixtures } from '../../helpers/fixtures.js';
import { attributedGumroadFixture, gumroadJsonFixture } from '../../helpers/gumroad.js';
import { attributedLemonSqueezyFixture, LEMON_SQUEEZY_SECRET, signLemonSqueezy } from '../../helpers/lemonsqueezy.js';
import { attributedPaddleFixture, PADDLE_SECRET } from '../../helpers/paddle.js';
import { attributedStripeFixture, STRIPE_SECRET } from '../../helpers/stripe.js';
import { attributedWooDelivery, signWoo, WOO_SECRET, WOO_STORE_URL } from '../../helpers/woocommerce.js';
import type { BaseBody } from './body-mutations.js';
import type { FaultConnection, FaultMerchant } from './hub-api.js';
import type { Json } from './json-paths.js';
import type { SeededRandom } from './seeded-random.js';

export type SigningMode = 'valid' | 'signed-original' | 'wrong-secret' | 'missing' | 'garbled' | 'stale';

export interface BaseDelivery {
  name: string;
  body: BaseBody;
  /** Headers the processor sends besides the signature (content type, event name, WooCommerce's X-WC-*). */
  headers: Record<string, string>;
}

export interface Signature {
  headers: Record<string, string>;
  /** Query string (without `?`) the delivery URL carries: Gumroad's token. */
  query: string;
}

export interface SignedProcessor {
  provider: 'stripe' | 'paddle' | 'lemonsqueezy' | 'woocommerce' | 'gumroad';
  /** The header carrying the signature, or null when authenticity is in the URL. */
  signatureHeader: string | null;
  signingModes: readonly SigningMode[];
  connectionBody(): Record<string, unknown>;
  baseDeliveries(merchant: FaultMerchant): BaseDelivery[];
  /**
   * Signs `sent` (the body bytes as the hub will verify them) in `mode`; `original` is the unmutated
   * body, for a signature that no longer matches after the mutation.
   */
  sign(mode: SigningMode, sent: Buffer, original: Buffer, connection: FaultConnection, random: SeededRandom): Signature;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * HMAC-SHA256 over `${timestamp}${separator}` and the exact bytes: the test helpers sign strings,
 * but a mutated body need not be UTF-8, and the processors sign bytes.
 */
function timestampedHmac(secret: string, timestamp: number, separator: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}${separator}`).update(body).digest('hex');
}

/** Stripe's `t=…,v1=…` (what `stripe.webhooks.generateTestHeaderString` builds), over bytes. */
export function stripeSignatureHeader(body: Buffer, options: { secret?: string; timestamp?: number } = {}): string {
  const timestamp = options.timestamp ?? nowSeconds();
  return `t=${timestamp},v1=${timestampedHmac(options.secret ?? STRIPE_SECRET, timestamp, '.', body)}`;
}

/** Paddle's `ts=…;h1=…`, over bytes. */
function paddleSignatureHeader(body: Buffer, secret: string, timestamp: number): string {
  return `ts=${timestamp};h1=${timestampedHmac(secret, timestamp, ':', body)}`;
}

/** A header value that is surely not the valid one. */
function garble(random: SeededRandom, value: string): string {
  const garbled = pickGarbling(random, value);
  return garbled === value ? `${value}0` : garbled;
}

function pickGarbling(random: SeededRandom, value: string): string {
  const choices = [
    () => '',
    () => value.slice(0, random.int(value.length + 1)),
    () => value.replace(/[0-9a-f]/i, (character) => (character === '0' ? '1' : '0')),
    () => 'x'.repeat(random.pick([1, 100, 8_000])),
    () => value.replace(/=/g, ''),
    () => value.replace(/[;,]/g, ' '),
  ];
  return random.pick(choices)();
}

function documentOf(value: unknown): BaseBody {
  return { format: 'json', document: value as Json };
}

function fixtureNames(provider: string, exclude?: RegExp): string[] {
  return listFixtures(provider, exclude ? { exclude } : {});
}

const stripe: SignedProcessor = {
  provider: 'stripe',
  signatureHeader: 'Stripe-Signature',
  signingModes: ['valid', 'valid', 'valid', 'signed-original', 'wrong-secret', 'missing', 'garbled', 'stale'],
  connectionBody: () => ({ provider: 'stripe', secrets: [STRIPE_SECRET] }),
  baseDeliveries: (merchant) => fixtureNames('stripe').map((name) => ({
    name, body: documentOf(attributedStripeFixture(name, merchant)), headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
  })),
  sign(mode, sent, original, _connection, random): Signature {
    const timestamp = mode === 'stale' ? nowSeconds() - 3_600 : nowSeconds();
    const secret = mode === 'wrong-secret' ? 'whsec_not_the_connection_secret_0123456789' : STRIPE_SECRET;
    const header = stripeSignatureHeader(mode === 'signed-original' ? original : sent, { secret, timestamp });
    if (mode === 'missing') return { headers: {}, query: '' };
    return { headers: { 'Stripe-Signature': mode === 'garbled' ? garble(random, header) : header }, query: '' };
  },
};

const paddle: SignedProcessor = {
  provider: 'paddle',
  signatureHeader: 'Paddle-Signature',
  signingModes: ['valid', 'valid', 'valid', 'signed-original', 'wrong-secret', 'missing', 'garbled', 'stale'],
  connectionBody: () => ({ provider: 'paddle', secrets: [PADDLE_SECRET] }),
  baseDeliveries: (merchant) => fixtureNames('paddle').map((name) => ({
    name, body: documentOf(attributedPaddleFixture(name, merchant)), headers: { 'Content-Type': 'application/json' },
  })),
  sign(mode, sent, original, _connection, random): Signature {
    const timestamp = mode === 'stale' ? nowSeconds() - 3_600 : nowSeconds();
    const secret = mode === 'wrong-secret' ? 'pdl_ntfset_01kkbz0000000000000000000000_NotTheSecret' : PADDLE_SECRET;
    const header = paddleSignatureHeader(mode === 'signed-original' ? original : sent, secret, timestamp);
    if (mode === 'missing') return { headers: {}, query: '' };
    return { headers: { 'Paddle-Signature': mode === 'garbled' ? garble(random, header) : header }, query: '' };
  },
};

const lemonSqueezy: SignedProcessor = {
  provider: 'lemonsqueezy',
  signatureHeader: 'X-Signature',
  signingModes: ['valid', 'valid', 'valid', 'signed-original', 'wrong-secret', 'missing', 'garbled'],
  connectionBody: () => ({ provider: 'lemonsqueezy', secrets: [LEMON_SQUEEZY_SECRET] }),
  baseDeliveries: (merchant) => fixtureNames('lemonsqueezy').map((name) => {
    const event = attributedLemonSqueezyFixture(name, merchant);
    return { name, body: documentOf(event), headers: { 'Content-Type': 'application/json', 'X-Event-Name': event.meta.event_name } };
  }),
  sign(mode, sent, original, _connection, random): Signature {
    const signature = signLemonSqueezy(mode === 'signed-original' ? original : sent, mode === 'wrong-secret' ? 'not-the-signing-secret' : LEMON_SQUEEZY_SECRET);
    if (mode === 'missing') return { headers: {}, query: '' };
    return { headers: { 'X-Signature': mode === 'garbled' ? garble(random, signature) : signature }, query: '' };
  },
};

const wooCommerce: SignedProcessor = {
  provider: 'woocommerce',
  signatureHeader: 'X-WC-Webhook-Signature',
  signingModes: ['valid', 'valid', 'valid', 'signed-original', 'wrong-secret', 'missing', 'garbled'],
  connectionBody: () => ({ provider: 'woocommerce', secrets: [WOO_SECRET], options: { storeUrl: WOO_STORE_URL } }),
  baseDeliveries: (merchant) => fixtureNames('woocommerce').map((name) => {
    const delivery = attributedWooDelivery(name, merchant);
    return { name, body: documentOf(delivery.order), headers: delivery.headers };
  }),
  sign(mode, sent, original, _connection, random): Signature {
    const signature = signWoo(mode === 'signed-original' ? original : sent, mode === 'wrong-secret' ? 'not-the-woo-secret' : WOO_SECRET);
    if (mode === 'missing') return { headers: {}, query: '' };
    return { headers: { 'X-WC-Webhook-Signature': mode === 'garbled' ? garble(random, signature) : signature }, query: '' };
  },
};

/** Gumroad authenticates by the URL token; a mutated body keeps a valid token (the body is not signed). */
const gumroad: SignedProcessor = {
  provider: 'gumroad',
  signatureHeader: null,
  signingModes: ['valid', 'valid', 'valid', 'wrong-secret', 'missing', 'garbled'],
  connectionBody: () => ({ provider: 'gumroad' }),
  baseDeliveries: (merchant): BaseDelivery[] => {
    const forms = fixtureNames('gumroad', /^(api\.|json-content-type)/).map((name): BaseDelivery => {
      const ping = attributedGumroadFixture(name, merchant);
      const pairs = Object.entries(ping).flatMap(([field, value]) => (Array.isArray(value) ? value : [value]).map((item): [string, string] => [field, item]));
      return { name, body: { format: 'form', pairs }, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Ruby' } };
    });
    // The JSON variant carries `url_params` as an object.
    const json = ['sale.1', 'refund.1'].map((name): BaseDelivery => {
      const ping = gumroadJsonFixture(name);
      ping.url_params = { visitor_id: merchant.visitorId, click_id: merchant.clickId, program_id: merchant.campaignId };
      return { name: `json-content-type/${name}`, body: documentOf(ping), headers: { 'Content-Type': 'application/json' } };
    });
    return [...forms, ...json];
  },
  sign(mode, _sent, _original, connection, random): Signature {
    const token = new URL(connection.webhookUrl).searchParams.get('token') ?? '';
    const presented = mode === 'valid' || mode === 'signed-original' ? token
      : mode === 'wrong-secret' ? randomBytes(24).toString('base64url')
        : mode === 'garbled' ? garble(random, token) : null;
    return { headers: {}, query: presented === null ? '' : `token=${encodeURIComponent(presented)}` };
  },
};

export const SIGNED_PROCESSORS: readonly SignedProcessor[] = [stripe, paddle, lemonSqueezy, wooCommerce, gumroad];
