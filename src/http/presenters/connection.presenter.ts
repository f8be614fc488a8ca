/**
 * @module Connection as the API shows it: never a secret. A URL token (Gumroad) is a secret like an
 * API key: whole only in the answer that generated it, afterwards only its prefix.
 */
import type { ProviderId } from '../../contract/providers.js';
import type { Connection } from '../../db/tables/connection.table.js';
import type { ConnectionResponse } from './connection.schema.js';

/** What may be shown of a connection's URL token. */
export interface UrlTokenDisplay {
  /** The first characters, to recognise the token (as an API key's `prefix`). */
  prefix: string;
  /** When the last token replaced by a rotation stops being accepted; null when none is. */
  previousValidUntil: Date | null;
  /** The whole token: set only in the answer to the request that generated it (creation, rotation). */
  shownOnce?: string;
}

export function webhookUrl(publicUrl: string, connection: Pick<Connection, 'provider' | 'id'>, urlToken: string | null): string {
  const url = `${publicUrl}/webhooks/${connection.provider}/${connection.id}`;
  return urlToken ? `${url}?token=${encodeURIComponent(urlToken)}` : url;
}

export function presentConnection(connection: Connection, publicUrl: string, urlToken: UrlTokenDisplay | null): ConnectionResponse {
  return {
    id: connection.id,
    // The column only ever holds a provider id: connections are created through the enum.
    provider: connection.provider as ProviderId,
    campaignId: connection.campaign_id,
    mode: connection.mode,
    webhookUrl: webhookUrl(publicUrl, connection, urlToken?.shownOnce ?? null),
    ...(urlToken ? { tokenPrefix: urlToken.prefix, previousTokenValidUntil: urlToken.previousValidUntil?.toISOString() ?? null } : {}),
    options: connection.public_options,
    createdAt: connection.created_at.toISOString(),
    updatedAt: connection.updated_at.toISOString(),
  };
}
