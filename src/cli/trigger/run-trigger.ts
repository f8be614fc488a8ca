/**
 * @module `conversion-hub trigger <provider> <event>`: a realistic, correctly signed delivery of a
 * fixture to a running hub — fresh ids for its story, the attribution asked for, the connection's
 * mode — then, with a key, the event's outcome, conversions and trace once the hub processed it.
 */
import type { ProviderId } from '../../contract/providers.js';
import type { GoPayPayment } from '../../doubles/gopay-api-double.js';
import { CliError, EXIT, usageError, type ExitCode } from '../exit-codes.js';
import { errorMessageOf, HubClient } from '../hub-client.js';
import { attributeDelivery, setDeliveryMode, type Attribution } from './attribution-fields.js';
import { loadDelivery } from './fixture-catalog.js';
import { GOPAY_CONNECTION_HELP, standInPort, startGoPayStandIn, type GoPayConnectionOptions, type GoPayStandIn } from './gopay-stand-in.js';
import { signedDelivery } from './signed-requests.js';
import { rewriteStoryIds } from './story-ids.js';
import { conversionsOf, waitForEvent, type ConversionSummary, type EventView } from './wait-for-event.js';

export interface TriggerOptions {
  provider: ProviderId;
  event: string;
  variant: number;
  hub: string;
  /** A merchant key (a read key is enough): to check the connection and to wait for the outcome. */
  key: string | null;
  connectionId: string;
  /** Signing secret, Gumroad URL token or GoPay client secret. */
  secret: string | null;
  attribution: Attribution;
  story: string;
  wait: boolean;
  timeoutMs: number;
}

export interface TriggerResult {
  story: string;
  /** Where the delivery went (its query, which may hold a token, left out). */
  url: string;
  eventId: string;
  duplicate: boolean;
  /** Null when not waited for, or when the event was folded into an earlier one. */
  event: EventView | null;
  conversions: ConversionSummary[];
  exitCode: ExitCode;
}

interface ConnectionView {
  id: string;
  provider: string;
  mode: 'live' | 'test';
  options: Record<string, unknown>;
}

async function readConnection(client: HubClient, options: TriggerOptions): Promise<ConnectionView | null> {
  if (!options.key) return null;
  const answer = await client.request('GET', `/api/v1/connections/${encodeURIComponent(options.connectionId)}`);
  if (answer.status === 404) throw usageError(`no connection ${options.connectionId} is visible to this key`);
  if (answer.status !== 200) throw new CliError(EXIT.hub, `GET /api/v1/connections/${options.connectionId} answered ${answer.status}: ${errorMessageOf(answer)}`);
  const connection = (answer.body as { data: ConnectionView }).data;
  if (connection.provider !== options.provider) throw usageError(`connection ${options.connectionId} is a ${connection.provider} connection, not ${options.provider}`);
  return connection;
}

function requireSecret(options: TriggerOptions): string {
  if (options.secret) return options.secret;
  const what = options.provider === 'gumroad' ? 'the connection’s URL token (the `token` of the webhookUrl shown when it was created)'
    : options.provider === 'gopay' ? 'the connection’s GoPay clientSecret' : `the ${options.provider} signing secret the connection was created with`;
  throw usageError(`${options.provider} deliveries need --secret: ${what}`);
}

async function startStandInIfGoPay(options: TriggerOptions, connection: ConnectionView | null, delivery: Record<string, unknown>, secret: string): Promise<GoPayStandIn | null> {
  if (options.provider !== 'gopay') return null;
  if (!connection) throw usageError(`gopay needs --key: trigger reads the connection's apiBase, clientId and goid; ${GOPAY_CONNECTION_HELP}`);
  const settings = connection.options as GoPayConnectionOptions;
  return startGoPayStandIn({
    port: standInPort(settings), clientId: typeof settings.clientId === 'string' ? settings.clientId : '', clientSecret: secret, goid: Number(settings.goid),
    fixtureName: `${options.event}.${options.variant}`, story: options.story, payment: delivery as unknown as GoPayPayment,
  });
}

export async function runTrigger(options: TriggerOptions): Promise<TriggerResult> {
  if (options.wait && !options.key) throw usageError('waiting for the outcome needs a merchant key (--key or HUB_API_KEY; a read key is enough), or pass --no-wait');
  const secret = requireSecret(options);
  const api = new HubClient(options.hub, options.key);
  const fixture = loadDelivery(options.provider, options.event, options.variant);
  const connection = await readConnection(api, options);
  const delivery = rewriteStoryIds(fixture, options.story);
  if (connection) setDeliveryMode(options.provider, delivery, connection.mode);
  attributeDelivery(options.provider, delivery, options.attribution);

  const standIn = await startStandInIfGoPay(options, connection, delivery, secret);
  try {
    const outgoing = signedDelivery(options.provider, delivery, {
      connectionId: options.connectionId, secret, fixtureName: `${options.event}.${options.variant}`, nowSeconds: Math.floor(Date.now() / 1000),
      storeUrl: typeof connection?.options.storeUrl === 'string' ? connection.options.storeUrl : undefined,
    });
    // The delivery carries no API key: processors authenticate by signature (or URL token) alone.
    const answer = await new HubClient(options.hub, null).request(outgoing.method, outgoing.path, { headers: outgoing.headers, ...(outgoing.body === undefined ? {} : { rawBody: outgoing.body }) });
    const url = `${api.baseUrl}${outgoing.path.replace(/\?.*$/, '')}`;
    if (answer.status !== 200) {
      throw new CliError(answer.status >= 500 ? EXIT.hub : EXIT.failed, `the hub refused the delivery to ${url}: ${answer.status} ${errorMessageOf(answer)}`);
    }
    const receipt = answer.body as { eventId: string; duplicate?: boolean };
    const result: TriggerResult = { story: options.story, url, eventId: receipt.eventId, duplicate: receipt.duplicate === true, event: null, conversions: [], exitCode: EXIT.ok };
    if (!options.wait) return result;
    result.event = await waitForEvent(api, receipt.eventId, options.timeoutMs);
    if (result.event) {
      result.conversions = await conversionsOf(api, result.event);
      if (result.event.status === 'failed' || result.event.status === 'dead') result.exitCode = EXIT.failed;
    }
    return result;
  } finally {
    await standIn?.close();
  }
}
