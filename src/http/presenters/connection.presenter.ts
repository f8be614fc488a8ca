/** @module Connection as the API shows it: never a secret. */
import type { Connection } from '../../db/tables/connection.table.js';

export function webhookUrl(publicUrl: string, connection: Pick<Connection, 'provider' | 'id'>, urlToken: string | null): string {
  const url = `${publicUrl}/webhooks/${connection.provider}/${connection.id}`;
  return urlToken ? `${url}?token=${encodeURIComponent(urlToken)}` : url;
}

export function presentConnection(connection: Connection, publicUrl: string, urlToken: string | null) {
  return {
    id: connection.id,
    provider: connection.provider,
    campaignId: connection.campaign_id,
    mode: connection.mode,
    webhookUrl: webhookUrl(publicUrl, connection, urlToken),
    options: connection.public_options,
    createdAt: connection.created_at.toISOString(),
    updatedAt: connection.updated_at.toISOString(),
  };
}
