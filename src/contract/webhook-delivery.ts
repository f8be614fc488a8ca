/** @module What an adapter is handed: the delivery exactly as it arrived, and the connection it arrived on. */
import type { ProviderId } from './providers.js';

/** One HTTP delivery from a processor, before anything is trusted. */
export interface WebhookDelivery {
  /** The body bytes as received: signatures are computed over these, never over re-serialised JSON. */
  readonly rawBody: Buffer;
  /** Request headers, names lowercased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Query-string parameters (the first value of each). */
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly method: 'GET' | 'POST';
  /** When the hub received it: the "now" of every timestamp-tolerance check. */
  readonly receivedAt: Date;
}

export type ConnectionMode = 'live' | 'test';

/** The merchant's connection to one processor account, with its secrets decrypted. */
export interface ConnectionContext {
  readonly id: string;
  readonly merchantId: string;
  readonly provider: ProviderId;
  /** Events of the other mode (Stripe `livemode`, Lemon Squeezy `test_mode`, …) are ignored as `test_mode`. */
  readonly mode: ConnectionMode;
  /** Signing secrets, several during a rotation; any one may verify a delivery. */
  readonly secrets: readonly string[];
  /** Provider options as the adapter's `parseOptions` returned them (secret options included). */
  readonly options: Readonly<Record<string, unknown>>;
}
