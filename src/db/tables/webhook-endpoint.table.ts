/** @module The `webhook_endpoint` table: where a merchant wants conversion events sent. */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export type OutboundEventType = 'conversion.created' | 'conversion.updated' | 'conversion.reversed';

export interface WebhookEndpointTable {
  merchant_id: string;
  id: string;
  url: string;
  events: ColumnType<OutboundEventType[], string, string>;
  /** `whsec_…` sealed with AES-256-GCM, bound to the endpoint id. */
  sealed_secret: string;
  /** `disabled` after the receiver answered 410 Gone (or by the merchant). */
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export type WebhookEndpoint = Selectable<WebhookEndpointTable>;
export type NewWebhookEndpoint = Insertable<WebhookEndpointTable>;
export type WebhookEndpointUpdate = Updateable<WebhookEndpointTable>;
