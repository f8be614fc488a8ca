/** @module The `webhook_delivery` table: one event on its way to one endpoint, and its attempts. */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDeliveryTable {
  merchant_id: string;
  /** `whd_…` */
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  last_response_status: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  locked_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type WebhookDelivery = Selectable<WebhookDeliveryTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveryTable>;
export type WebhookDeliveryUpdate = Updateable<WebhookDeliveryTable>;
