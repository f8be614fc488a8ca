/** @module The database schema as kysely sees it: one entry per table. */
import type { Kysely, Transaction } from 'kysely';
import type { AffiliateTable } from './tables/affiliate.table.js';
import type { ApiKeyTable } from './tables/api-key.table.js';
import type { CampaignTable } from './tables/campaign.table.js';
import type { ClickTable } from './tables/click.table.js';
import type { ConnectionTable } from './tables/connection.table.js';
import type { ConversionAdjustmentTable } from './tables/conversion-adjustment.table.js';
import type { ConversionTable } from './tables/conversion.table.js';
import type { EnrollmentTable } from './tables/enrollment.table.js';
import type { HubSecretTable } from './tables/hub-secret.table.js';
import type { InboundEventTable } from './tables/inbound-event.table.js';
import type { LinkTable } from './tables/link.table.js';
import type { MerchantTable } from './tables/merchant.table.js';
import type { OrderFactTable } from './tables/order-fact.table.js';
import type { OrderReferenceTable } from './tables/order-reference.table.js';
import type { OutboundEventTable } from './tables/outbound-event.table.js';
import type { WebhookDeliveryTable } from './tables/webhook-delivery.table.js';
import type { WebhookEndpointTable } from './tables/webhook-endpoint.table.js';

export interface Database {
  merchant: MerchantTable;
  api_key: ApiKeyTable;
  campaign: CampaignTable;
  affiliate: AffiliateTable;
  enrollment: EnrollmentTable;
  link: LinkTable;
  click: ClickTable;
  conversion: ConversionTable;
  conversion_adjustment: ConversionAdjustmentTable;
  connection: ConnectionTable;
  inbound_event: InboundEventTable;
  order_reference: OrderReferenceTable;
  order_fact: OrderFactTable;
  webhook_endpoint: WebhookEndpointTable;
  outbound_event: OutboundEventTable;
  webhook_delivery: WebhookDeliveryTable;
  hub_secret: HubSecretTable;
}

/** What repository functions take first: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
