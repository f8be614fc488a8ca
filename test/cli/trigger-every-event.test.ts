/**
 * `trigger` can send every event an adapter understands (issue 15): each fixture delivery of every
 * processor `trigger --list` names, sent through `runTrigger` (the command's own code, in this
 * process) to a real hub process, is accepted as authentic and settles without failing — processed,
 * ignored with a reason, or waiting for the order it follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/contract/providers.js';
import { listCatalog } from '../../src/cli/trigger/fixture-catalog.js';
import { runTrigger } from '../../src/cli/trigger/run-trigger.js';
import { LEMON_SQUEEZY_SECRET } from '../helpers/lemonsqueezy.js';
import { PADDLE_SECRET } from '../helpers/paddle.js';
import { STRIPE_SECRET } from '../helpers/stripe.js';
import { WOO_SECRET, WOO_STORE_URL } from '../helpers/woocommerce.js';
import { createConnection, createMerchant, freePort, startRealHub, type Merchant, type RealHub } from './support/real-hub.js';

const GOPAY_CLIENT = { goid: 8123456789, clientId: '1061399163', clientSecret: 'gopay-client-secret-every-event' };

describe('trigger sends every event of every processor', () => {
  let hub: RealHub;
  let merchant: Merchant;
  const targets = new Map<ProviderId, { connectionId: string; secret: string }>();

  beforeAll(async () => {
    hub = await startRealHub();
    merchant = await createMerchant(hub.url, { recurring: 'lifetime' });
    const connection = async (provider: ProviderId, body: Record<string, unknown>, secret: string) => {
      const created = await createConnection(hub.url, merchant, { provider, ...body });
      targets.set(provider, { connectionId: created.id, secret: provider === 'gumroad' ? new URL(created.webhookUrl).searchParams.get('token') ?? '' : secret });
    };
    await connection('stripe', { secrets: [STRIPE_SECRET] }, STRIPE_SECRET);
    await connection('paddle', { secrets: [PADDLE_SECRET] }, PADDLE_SECRET);
    await connection('lemonsqueezy', { secrets: [LEMON_SQUEEZY_SECRET] }, LEMON_SQUEEZY_SECRET);
    await connection('woocommerce', { secrets: [WOO_SECRET], options: { storeUrl: WOO_STORE_URL } }, WOO_SECRET);
    await connection('gumroad', {}, '');
    await connection('gopay', { options: { ...GOPAY_CLIENT, apiBase: `http://127.0.0.1:${await freePort()}/api` } }, GOPAY_CLIENT.clientSecret);
  }, 90_000);
  afterAll(() => hub.stop());

  const deliveries = listCatalog().flatMap((entry) => entry.variants.map((variant) => [entry.provider, entry.event, variant] as const));

  it('has something to send for every processor', () => {
    expect(new Set(deliveries.map(([provider]) => provider)).size).toBe(6);
  });

  it.each(deliveries)('%s %s (fixture %i): accepted, and settled without failing', async (provider, event, variant) => {
    const target = targets.get(provider);
    if (!target) throw new Error(`no connection for ${provider}`);
    const result = await runTrigger({
      provider, event, variant, hub: hub.url, key: merchant.readKey, connectionId: target.connectionId, secret: target.secret,
      attribution: { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId },
      story: `every-${variant}`, wait: true, timeoutMs: 20_000,
    });
    expect(result.eventId).toMatch(/^ev_/);
    expect(result.event, 'the event was processed and is in the log').not.toBeNull();
    expect(['processed', 'ignored', 'waiting'], `${result.event?.status ?? ''}: ${result.event?.error ?? ''}`).toContain(result.event?.status);
  });
});
