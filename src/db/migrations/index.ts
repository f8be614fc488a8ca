/**
 * @module The list of migrations, imported statically so the same list works under tsx, in a
 * bundle and in tests. Add each new migration here, named by its timestamp.
 */
import type { Migration } from 'kysely';
import * as createCoreTables from './2026_11_21_120000_create_core_tables.js';
import * as createWebhookPipeline from './2026_11_21_140000_create_webhook_pipeline.js';
import * as createOutboundWebhooks from './2026_11_21_160000_create_outbound_webhooks.js';
import * as countUnfinishedClaims from './2026_12_04_120000_count_unfinished_claims.js';
import * as sealRawPayloads from './2026_12_04_130000_seal_raw_payloads.js';
import * as lemonSqueezyOwnOrderIds from './2026_12_04_140000_lemon_squeezy_own_order_ids.js';
import * as campaignClockSkew from './2026_12_04_150000_campaign_clock_skew.js';
import * as inboundEventRoomForUpdates from './2026_12_04_200000_inbound_event_room_for_updates.js';

export const migrations: Record<string, Migration> = {
  '2026_11_21_120000_create_core_tables': createCoreTables,
  '2026_11_21_140000_create_webhook_pipeline': createWebhookPipeline,
  '2026_11_21_160000_create_outbound_webhooks': createOutboundWebhooks,
  '2026_12_04_120000_count_unfinished_claims': countUnfinishedClaims,
  '2026_12_04_130000_seal_raw_payloads': sealRawPayloads,
  '2026_12_04_140000_lemon_squeezy_own_order_ids': lemonSqueezyOwnOrderIds,
  '2026_12_04_150000_campaign_clock_skew': campaignClockSkew,
  '2026_12_04_200000_inbound_event_room_for_updates': inboundEventRoomForUpdates,
};
