/**
 * @module GoPay for `trigger gopay`. A GoPay notification is a bare GET naming a payment; the hub
 * then asks GoPay's API what the payment is (SPEC §6). GoPay's real API would know nothing of a
 * fixture's payment, so `trigger` plays that API itself — the local double of `src/doubles/`, serving
 * the fixture payment — on the loopback address the connection's `options.apiBase` names, for as
 * long as the hub needs to read it. A connection whose `apiBase` is GoPay's own (or any address not
 * on this machine) is refused with a message saying how to create one that works.
 */
import type { GoPayApiDouble, GoPayPayment, GoPayRefund } from '../../doubles/gopay-api-double.js';
import { startGoPayApiDouble } from '../../doubles/gopay-api-double.js';
import { usageError } from '../exit-codes.js';
import { loadFixtureFile } from './fixture-catalog.js';
import { rewriteStoryIds } from './story-ids.js';

/** The refund history GoPay reports beside a refunded payment fixture (fixtures/README.md, "GoPay fixtures"). */
const REFUNDS_OF: Readonly<Record<string, string>> = {
  'payment.PARTIALLY_REFUNDED.1': 'refunds.1',
  'payment.REFUNDED.1': 'refunds.2',
};

/** The GoID of the fixtures' e-shop (fixtures/README.md, "GoPay fixtures"). */
const FIXTURE_GOID = 8123456789;

export interface GoPayConnectionOptions {
  apiBase?: unknown;
  clientId?: unknown;
  goid?: unknown;
}

export const GOPAY_CONNECTION_HELP = 'trigger plays GoPay’s API for the hub: create the GoPay connection with '
  + '"options": {"goid": 8123456789, "clientId": "…", "clientSecret": "…", "apiBase": "http://127.0.0.1:<port>/api"} '
  + 'on a hub started with HUB_ALLOW_PRIVATE_NETWORK=1, and pass the clientSecret as --secret';

/** The loopback port the connection's `apiBase` names; a usage error when it names anything else. */
export function standInPort(options: GoPayConnectionOptions): number {
  const apiBase = typeof options.apiBase === 'string' ? options.apiBase : null;
  if (!apiBase) throw usageError(`the connection has no options.apiBase, so the hub asks GoPay itself, which knows no test payment; ${GOPAY_CONNECTION_HELP}`);
  const url = new URL(apiBase);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (!loopback || url.protocol !== 'http:' || url.pathname.replace(/\/+$/, '') !== '/api' || url.port === '') {
    throw usageError(`the connection's options.apiBase is ${apiBase}, not a loopback http://127.0.0.1:<port>/api that trigger can serve; ${GOPAY_CONNECTION_HELP}`);
  }
  return Number(url.port);
}

export interface GoPayStandIn {
  readonly payment: GoPayPayment;
  close(): Promise<void>;
}

/** Serves `payment` (already attributed and rewritten for the story) where the hub will ask for it. */
export async function startGoPayStandIn(options: { port: number; clientId: string; clientSecret: string; goid: number; fixtureName: string; story: string; payment: GoPayPayment }): Promise<GoPayStandIn> {
  let double: GoPayApiDouble;
  try {
    double = await startGoPayApiDouble({ clientId: options.clientId, clientSecret: options.clientSecret, host: '127.0.0.1', port: options.port });
  } catch (error) {
    throw usageError(`cannot play GoPay's API on 127.0.0.1:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const refundsName = REFUNDS_OF[options.fixtureName];
  const refunds = refundsName ? rewriteStoryIds(loadFixtureFile<GoPayRefund[]>('gopay', refundsName), options.story) : [];
  // The fixtures' own GoID becomes the connection's; another one (a payment to another e-shop) stays foreign.
  const fixtureGoid = options.payment.target.goid;
  const payment = { ...options.payment, target: { type: 'ACCOUNT' as const, goid: fixtureGoid === FIXTURE_GOID ? options.goid : fixtureGoid } };
  double.setPayment(payment, refunds);
  return { payment, close: () => double.close() };
}
