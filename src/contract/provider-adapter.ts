/**
 * @module The contract every processor adapter satisfies. An adapter is a factory in
 * `adapters/<provider>/` returning an object literal that `satisfies ProviderAdapter`.
 *
 * The pipeline calls it in two stages. At ingest, `verify` authenticates the raw delivery and names
 * it (synchronous, no I/O: the 200 must follow one database write). Later, in processing, the
 * optional `confirm` asks the processor's API for the truth (GoPay, Gumroad), and the pure `map`
 * turns the stored event into canonical records.
 */
import type { MappingResult } from './canonical-records.js';
import type { Clock } from './clock.js';
import type { ProviderId } from './providers.js';
import type { ConnectionContext, WebhookDelivery } from './webhook-delivery.js';

/** What `verify` learned about an authentic delivery. */
export type VerifiedDelivery =
  /** A processor event to store. `onRedelivery: 'refresh'` re-arms a stored event instead of calling it a duplicate. */
  | { outcome: 'event'; providerEventId: string; eventType: string; onRedelivery: 'duplicate' | 'refresh' }
  /** A liveness ping (WooCommerce's creation ping): answer 200, store nothing. */
  | { outcome: 'ping' }
  /** Authentic but not understood: stored as `failed` with the error so a fixed adapter can replay it. */
  | { outcome: 'unreadable'; providerEventId: string; eventType: string; error: string };

/** A stored event as processing sees it. */
export interface StoredEvent {
  readonly id: string;
  readonly providerEventId: string;
  readonly eventType: string;
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly receivedAt: Date;
}

/** I/O an adapter may use in `confirm`, injected so tests point it at local doubles. */
export interface AdapterIo {
  readonly fetch: typeof fetch;
  readonly clock: Clock;
}

/** Connection settings an adapter accepts, checked when a connection is created or changed. */
export interface ConnectionSettings {
  /** Options as the adapter will receive them in `ConnectionContext.options`. */
  readonly options: Record<string, unknown>;
  /** Option names whose values are secret: stored encrypted, never returned. */
  readonly secretOptionNames: readonly string[];
  /** Option names whose values are URLs the hub will call (a processor's API base): the hub checks them against its SSRF policy when they are saved. */
  readonly outboundUrlOptionNames?: readonly string[];
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  /** `required`: signing secrets must be given; `none`: the processor does not sign (a URL token is generated instead). */
  readonly secrets: 'required' | 'none' | 'url_token';
  /** The processor notifies with GET as well as POST (GoPay). */
  readonly acceptsGet?: boolean;
  /** Validates and normalises connection options; throws ValidationError naming the field. */
  parseOptions(options: unknown): ConnectionSettings;
  /**
   * Optional: checks what authenticates a delivery without its body (a URL token), before the body
   * is read; throws SignatureVerificationError. Never does I/O.
   */
  verifyRequest?(request: Pick<WebhookDelivery, 'headers' | 'query' | 'method'>, connection: ConnectionContext): void;
  /** Authenticates the raw delivery; throws SignatureVerificationError. Never does I/O. */
  verify(delivery: WebhookDelivery, connection: ConnectionContext): VerifiedDelivery;
  /** Optional: fetch the processor's own record of the event (runs in processing, may fail and be retried). */
  confirm?(event: StoredEvent, connection: ConnectionContext, io: AdapterIo): Promise<unknown>;
  /**
   * Optional: the event's own identity once `confirm` has said what it is, for processors whose
   * notification names only an object (GoPay: the payment, whose state must be read). Events of one
   * confirmed identity are one event: a notification that turns out to name an identity already
   * stored is a re-delivery of it. Null when the event already carries its confirmed identity.
   */
  confirmedEventId?(event: StoredEvent, confirmation: unknown): string | null;
  /** Pure: the stored event (and the confirmation, if any) → canonical records, an ignore, or a wait. */
  map(event: StoredEvent, connection: ConnectionContext, confirmation: unknown): MappingResult;
}

/** What every adapter factory receives. */
export interface AdapterFactoryOptions {
  readonly io: AdapterIo;
}

export type AdapterFactory = (options: AdapterFactoryOptions) => ProviderAdapter;
