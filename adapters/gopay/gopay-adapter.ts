/**
 * @module The GoPay adapter (providers.md §5): GoPay signs nothing and notifies with
 * `GET …?id=<paymentId>`, so a notification is only a prompt to ask GoPay. `verify` checks the id
 * and stores one event per payment; a repeated notification re-arms it (`onRedelivery: 'refresh'`)
 * so processing reads the payment's new state. `confirm` reads that state with the connection's
 * OAuth2 client credentials (token cached per connection), and the pure `map` turns it into records.
 */
import type { AdapterFactoryOptions, AdapterIo, ProviderAdapter, StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { parseConnectionOptions } from '../../src/lib/zod-problems.js';
import { GoPayApi } from './gopay-api-client.js';
import { GOPAY_DEFAULT_API_BASE, GOPAY_DEFAULT_TIMEOUT_MS, gopayConfirmationSchema, gopayOptionsSchema, type GoPayOptions } from './gopay-schema.js';
import { notifiedPaymentId } from './gopay-signature.js';
import { mapGoPayPayment } from './map-gopay-event.js';
import { notificationKey, paymentStateKey } from './gopay-event-identity.js';

/** The event type every notification is stored under: what happened is only known once GoPay is asked. */
export const GOPAY_EVENT_TYPE = 'payment_notification';

function optionsOf(connection: ConnectionContext): GoPayOptions {
  return parseConnectionOptions(gopayOptionsSchema, connection.options, 'GoPay');
}

export function createGoPayAdapter(_options: AdapterFactoryOptions) {
  // One per adapter instance (i.e. per hub process): tokens are cached here, per connection.
  const api = new GoPayApi();
  return {
    id: 'gopay',
    secrets: 'none',
    acceptsGet: true,
    parseOptions(options: unknown) {
      return { options: parseConnectionOptions(gopayOptionsSchema, options, 'GoPay'), secretOptionNames: ['clientSecret'], outboundUrlOptionNames: ['apiBase'] };
    },
    verify(delivery: WebhookDelivery, _connection: ConnectionContext) {
      const paymentId = notifiedPaymentId(delivery);
      // A notification waiting to be read: notifications that arrive before it is read are one (each
      // re-arms it, so the state read is the latest); once read it is named by the state GoPay reported.
      return { outcome: 'event', providerEventId: notificationKey(paymentId), eventType: GOPAY_EVENT_TYPE, onRedelivery: 'refresh' };
    },
    async confirm(event: StoredEvent, connection: ConnectionContext, io: AdapterIo) {
      const options = optionsOf(connection);
      return api.readPayment(io, {
        connectionId: connection.id,
        apiBase: options.apiBase ?? GOPAY_DEFAULT_API_BASE,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        timeoutMs: options.requestTimeoutMs ?? GOPAY_DEFAULT_TIMEOUT_MS,
      }, notifiedPaymentId(event), options.goid);
    },
    confirmedEventId(event: StoredEvent, confirmation: unknown) {
      // A notification is stored as `payment:<id>` until GoPay says what it is; after that it carries its state.
      if (event.providerEventId !== notificationKey(notifiedPaymentId(event))) return null;
      const parsed = gopayConfirmationSchema.safeParse(confirmation);
      return parsed.success ? paymentStateKey(parsed.data) : null;
    },
    map(event: StoredEvent, connection: ConnectionContext, confirmation: unknown) {
      const parsed = gopayConfirmationSchema.safeParse(confirmation);
      if (!parsed.success) throw new Error('GoPay notifications are decided by the payment status read from GoPay, and none was read');
      return mapGoPayPayment(event, notifiedPaymentId(event), parsed.data, optionsOf(connection).goid);
    },
  } satisfies ProviderAdapter;
}
