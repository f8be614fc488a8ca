/**
 * @module `/api/v1/connections` (SPEC §6): a merchant's processor accounts. Secrets are write-only,
 * sealed with AES-256-GCM before they reach the database; the webhook URL to give the processor
 * is in every answer.
 */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../contract/errors.js';
import { PROVIDER_IDS, type ProviderId } from '../../contract/providers.js';
import type { ProviderAdapter } from '../../contract/provider-adapter.js';
import { findCampaign } from '../../db/repositories/campaign.repository.js';
import { findConnection, insertConnection, listConnections, updateConnection } from '../../db/repositories/connection.repository.js';
import type { Connection, ConnectionUpdate } from '../../db/tables/connection.table.js';
import { openCredentials, sealCredentials } from '../../engine/connection-directory.js';
import type { HubServices } from '../../hub-services.js';
import { newId, randomBase62 } from '../../lib/ids.js';
import { checkOutboundUrl } from '../../lib/network-guard.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentConnection } from '../presenters/connection.presenter.js';
import { sendData, sendList } from '../responses.js';
import { idField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

const secretsField = z.array(z.string().trim().min(1, 'must not be empty').max(500)).min(1, 'needs at least one secret').max(10, 'at most 10 secrets');
const optionsField = z.record(z.string(), z.unknown());

const createBody = z.strictObject({
  provider: z.enum(PROVIDER_IDS, { error: `must be one of ${PROVIDER_IDS.join(', ')}` }),
  campaignId: idField,
  mode: z.enum(['live', 'test']).optional(),
  secrets: secretsField.optional(),
  options: optionsField.optional(),
});

const updateBody = z.strictObject({
  campaignId: idField.optional(),
  mode: z.enum(['live', 'test']).optional(),
  secrets: secretsField.optional(),
  options: optionsField.optional(),
});

const listQuery = z.strictObject({ provider: z.enum(PROVIDER_IDS).optional(), ...pageQueryFields });

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
  const urlTokenOf = (connection: Connection): string | null =>
    adapterFor(connection.provider).secrets === 'url_token' ? (openCredentials(encryptionKey, connection).secrets[0] ?? null) : null;
  const present = (connection: Connection) => presentConnection(connection, config.publicUrl, urlTokenOf(connection));

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
    const secrets = adapter.secrets === 'url_token' ? [randomBase62(32)] : (body.secrets ?? []);
    const now = clock.now();
    const connection = await insertConnection(db, {
      merchant_id: merchantId, id, provider: adapter.id, campaign_id: body.campaignId, mode: body.mode ?? 'live',
      sealed_credentials: sealCredentials(encryptionKey, id, { secrets, secretOptions }),
      public_options: JSON.stringify(publicOptions), created_at: now, updated_at: now, deleted_at: null,
    });
    sendData(res, 201, present(connection));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { rows, total } = await listConnections(db, merchantAuth(res).merchantId, query, page);
    sendList(res, rows.map(present), page, total);
  });

  router.get('/:connectionId', async (req, res) => {
    const connection = await findConnection(db, merchantAuth(res).merchantId, req.params.connectionId);
    if (!connection) throw new NotFoundError('connection');
    sendData(res, 200, present(connection));
  });

  router.patch('/:connectionId', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(updateBody, req.body);
    const { merchantId } = merchantAuth(res);
    const connectionId = pathParameter(req, 'connectionId');
    const connection = await findConnection(db, merchantId, connectionId);
    if (!connection) throw new NotFoundError('connection');
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
      changes.sealed_credentials = sealCredentials(encryptionKey, connection.id, {
        secrets: body.secrets ?? current.secrets,
        secretOptions: split ? split.secretOptions : current.secretOptions,
      });
      if (split) changes.public_options = JSON.stringify(split.publicOptions);
    }
    const updated = await updateConnection(db, merchantId, connection.id, changes);
    if (!updated) throw new NotFoundError('connection');
    services.connections.invalidate(connection.id);
    sendData(res, 200, present(updated));
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
