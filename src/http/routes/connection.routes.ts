/**
 * @module `/api/v1/connections` (SPEC §6): a merchant's processor accounts. Secrets are write-only,
 * sealed with AES-256-GCM before they reach the database; the webhook URL to give the processor
 * is in every answer. A URL token (Gumroad), which is a secret too, is in it only in the answer that
 * generated it: the creation, or `POST /:id/rotate-token`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, UnavailableError, ValidationError } from '../../contract/errors.js';
import { PROVIDER_IDS, type ProviderId } from '../../contract/providers.js';
import type { ProviderAdapter } from '../../contract/provider-adapter.js';
import { findCampaign } from '../../db/repositories/campaign.repository.js';
import {
  findConnection, insertConnection, listConnections, updateConnection, updateConnectionIfCredentialsUnchanged,
} from '../../db/repositories/connection.repository.js';
import type { Connection, ConnectionUpdate } from '../../db/tables/connection.table.js';
import { openCredentials, sealCredentials } from '../../engine/connections/connection-directory.js';
import { newUrlToken, previousTokenValidUntil, rotateUrlToken, URL_TOKEN_GRACE_PERIOD_MS, urlTokenPrefix } from '../../engine/connections/url-token-rotation.js';
import type { HubServices } from '../../hub-services.js';
import { newId } from '../../lib/ids.js';
import { checkOutboundUrl } from '../../lib/network-guard.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentConnection, type UrlTokenDisplay } from '../presenters/connection.presenter.js';
import { sendData, sendList } from '../responses.js';
import { idField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

const secretsField = z.array(z.string().trim().min(1, 'must not be empty').max(500)).min(1, 'needs at least one secret').max(10, 'at most 10 secrets');
const optionsField = z.record(z.string(), z.unknown());

export const createBody = z.strictObject({
  provider: z.enum(PROVIDER_IDS, { error: `must be one of ${PROVIDER_IDS.join(', ')}` }),
  campaignId: idField,
  mode: z.enum(['live', 'test']).optional(),
  secrets: secretsField.optional(),
  options: optionsField.optional(),
});

export const updateBody = z.strictObject({
  campaignId: idField.optional(),
  mode: z.enum(['live', 'test']).optional(),
  secrets: secretsField.optional(),
  options: optionsField.optional(),
});

export const listQuery = z.strictObject({ provider: z.enum(PROVIDER_IDS).optional(), ...pageQueryFields });

// 0 ends the replaced token at once (it leaked); more than the default is never needed to update the processor.
export const rotateBody = z.strictObject({
  gracePeriodSeconds: z.number().int().min(0).max(URL_TOKEN_GRACE_PERIOD_MS / 1000).optional(),
});

/** Read-modify-write attempts before giving up on a connection that keeps changing underneath. */
const MAX_CREDENTIAL_WRITE_ATTEMPTS = 3;

function splitOptions(adapter: ProviderAdapter, options: unknown) {
  const settings = adapter.parseOptions(options ?? {});
  const publicOptions: Record<string, unknown> = {};
  const secretOptions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings.options)) {
    if (settings.secretOptionNames.includes(name)) secretOptions[name] = value;
    else publicOptions[name] = value;
  }
  const outboundUrls = (settings.outboundUrlOptionNames ?? []).flatMap((name) => {
    const value = settings.options[name];
    return typeof value === 'string' ? [{ name, url: value }] : [];
  });
  return { publicOptions, secretOptions, outboundUrls };
}

/** URLs the hub will call with the processor's credentials (an API base): https and public, unless HUB_ALLOW_PRIVATE_NETWORK. */
async function checkOutboundUrls(outboundUrls: readonly { name: string; url: string }[], allowPrivateNetwork: boolean): Promise<void> {
  for (const { name, url } of outboundUrls) {
    const check = await checkOutboundUrl(url, { allowPrivateNetwork, allowPlainHttp: false });
    if (!check.ok) throw new ValidationError(`options.${name} ${check.message}`, [{ field: `options.${name}`, message: check.message }]);
  }
}

function checkSecrets(adapter: ProviderAdapter, secrets: string[] | undefined, creating: boolean): void {
  if (adapter.secrets === 'required' && creating && !secrets) {
    throw new ValidationError(`${adapter.id} connections need the processor's signing secret`, [{ field: 'secrets', message: `required for ${adapter.id}` }]);
  }
  if (adapter.secrets !== 'required' && secrets) {
    const why = adapter.secrets === 'url_token' ? 'the hub generates the URL token itself' : `${adapter.id} does not sign its notifications`;
    throw new ValidationError(`${adapter.id} connections take no secrets: ${why}`, [{ field: 'secrets', message: `not used by ${adapter.id}` }]);
  }
}

export function connectionRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock, config, encryptionKey } = services;

  const adapterFor = (provider: string): ProviderAdapter => {
    const adapter = services.adapters[provider as ProviderId];
    if (!adapter) throw new ValidationError(`provider ${provider} is not available in this hub`, [{ field: 'provider', message: 'not available' }]);
    return adapter;
  };
  const hasUrlToken = (connection: Pick<Connection, 'provider'>): boolean => adapterFor(connection.provider).secrets === 'url_token';
  // The token is opened only for its prefix; the whole of it is passed on only by the request that generated it.
  const urlTokenOf = (connection: Connection, shownOnce: string | undefined): UrlTokenDisplay | null => {
    if (!hasUrlToken(connection)) return null;
    const credentials = openCredentials(encryptionKey, connection);
    const token = credentials.secrets[0] ?? '';
    return { prefix: urlTokenPrefix(token), previousValidUntil: previousTokenValidUntil(credentials, clock.now()), shownOnce };
  };
  const present = (connection: Connection, shownOnce?: string) => presentConnection(connection, config.publicUrl, urlTokenOf(connection, shownOnce));

  /**
   * Changes a connection from what it is now, and applies the change only if nobody rewrote its
   * credentials in between (else reads again), so a rotation and a PATCH racing each other cannot
   * undo one another: a token handed out must be the one that works.
   */
  const rewriteConnection = async (merchantId: string, connectionId: string, change: (connection: Connection) => ConnectionUpdate | Promise<ConnectionUpdate>): Promise<Connection> => {
    for (let attempt = 1; attempt <= MAX_CREDENTIAL_WRITE_ATTEMPTS; attempt += 1) {
      const connection = await findConnection(db, merchantId, connectionId);
      if (!connection) throw new NotFoundError('connection');
      const changes = await change(connection);
      const updated = await updateConnectionIfCredentialsUnchanged(db, merchantId, connectionId, connection.sealed_credentials, changes);
      if (updated) {
        services.connections.invalidate(connectionId);
        return updated;
      }
    }
    throw new UnavailableError('the connection kept changing while it was being updated; retry');
  };

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    const { merchantId } = merchantAuth(res);
    const adapter = adapterFor(body.provider);
    checkSecrets(adapter, body.secrets, true);
    const { publicOptions, secretOptions, outboundUrls } = splitOptions(adapter, body.options);
    await checkOutboundUrls(outboundUrls, config.allowPrivateNetwork);
    if (!(await findCampaign(db, merchantId, body.campaignId))) throw new NotFoundError('campaign');
    const id = newId('con');
    // Unsigned processors (Gumroad) authenticate with a secret token in the URL the hub hands out.
    const urlToken = adapter.secrets === 'url_token' ? newUrlToken() : undefined;
    const secrets = urlToken ? [urlToken] : (body.secrets ?? []);
    const now = clock.now();
    const connection = await insertConnection(db, {
      merchant_id: merchantId, id, provider: adapter.id, campaign_id: body.campaignId, mode: body.mode ?? 'live',
      sealed_credentials: sealCredentials(encryptionKey, id, { secrets, secretOptions }),
      public_options: JSON.stringify(publicOptions), created_at: now, updated_at: now, deleted_at: null,
    });
    sendData(res, 201, present(connection, urlToken));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { rows, total } = await listConnections(db, merchantAuth(res).merchantId, query, page);
    sendList(res, rows.map((row) => present(row)), page, total);
  });

  router.get('/:connectionId', async (req, res) => {
    const connection = await findConnection(db, merchantAuth(res).merchantId, req.params.connectionId);
    if (!connection) throw new NotFoundError('connection');
    sendData(res, 200, present(connection));
  });

  router.patch('/:connectionId', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(updateBody, req.body);
    const { merchantId } = merchantAuth(res);
    const updated = await rewriteConnection(merchantId, pathParameter(req, 'connectionId'), async (connection) => {
      const adapter = adapterFor(connection.provider);
      checkSecrets(adapter, body.secrets, false);
      const changes: ConnectionUpdate = { updated_at: clock.now() };
      if (body.campaignId !== undefined) {
        if (!(await findCampaign(db, merchantId, body.campaignId))) throw new NotFoundError('campaign');
        changes.campaign_id = body.campaignId;
      }
      if (body.mode !== undefined) changes.mode = body.mode;
      if (body.secrets !== undefined || body.options !== undefined) {
        const current = openCredentials(encryptionKey, connection);
        // Options are replaced as a whole: what is not sent again is removed.
        const split = body.options !== undefined ? splitOptions(adapter, body.options) : null;
        if (split) await checkOutboundUrls(split.outboundUrls, config.allowPrivateNetwork);
        // A URL token rotated away and still in its grace period is kept: changing options does not end it early.
        changes.sealed_credentials = sealCredentials(encryptionKey, connection.id, {
          ...current,
          secrets: body.secrets ?? current.secrets,
          secretOptions: split ? split.secretOptions : current.secretOptions,
        });
        if (split) changes.public_options = JSON.stringify(split.publicOptions);
      }
      return changes;
    });
    sendData(res, 200, present(updated));
  });

  /**
   * A new URL token, shown this once in `webhookUrl`; the replaced one is still accepted for the
   * grace period. 400, not 404, for a provider without URL tokens: the connection exists and this
   * key may see it, so "not found" would be untrue; the message says how that provider rotates.
   */
  router.post('/:connectionId/rotate-token', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(rotateBody, req.body ?? {});
    const { merchantId } = merchantAuth(res);
    const gracePeriodMs = body.gracePeriodSeconds === undefined ? URL_TOKEN_GRACE_PERIOD_MS : body.gracePeriodSeconds * 1000;
    const token = newUrlToken();
    const rotated = await rewriteConnection(merchantId, pathParameter(req, 'connectionId'), (connection) => {
      const secretKind = adapterFor(connection.provider).secrets;
      if (secretKind !== 'url_token') {
        const instead = secretKind === 'required' ? 'rotate its signing secret with PATCH {"secrets": [new, old]}' : 'its deliveries are confirmed with the processor\'s API';
        throw new ValidationError(`${connection.provider} connections have no URL token: ${instead}`, [{ field: 'provider', message: 'has no URL token' }]);
      }
      const now = clock.now();
      const credentials = rotateUrlToken(openCredentials(encryptionKey, connection), token, now, gracePeriodMs);
      return { sealed_credentials: sealCredentials(encryptionKey, connection.id, credentials), updated_at: now };
    });
    sendData(res, 200, present(rotated, token));
  });

  router.delete('/:connectionId', requireWriteScope, async (req, res) => {
    const { merchantId } = merchantAuth(res);
    const connectionId = pathParameter(req, 'connectionId');
    const deleted = await updateConnection(db, merchantId, connectionId, { deleted_at: clock.now(), updated_at: clock.now() });
    if (!deleted) throw new NotFoundError('connection');
    services.connections.invalidate(connectionId);
    res.status(204).end();
  });

  return router;
}
