/** @module `/api/v1/events`: the inbound event log and idempotent replay (SPEC §6). */
import { Router } from 'express';
import { z } from 'zod';
import { HubError, NotFoundError } from '../../contract/errors.js';
import { PROVIDER_IDS } from '../../contract/providers.js';
import { findInboundEvent, listInboundEvents } from '../../db/repositories/inbound-event.repository.js';
import type { HubServices } from '../../hub-services.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentEvent } from '../presenters/event.presenter.js';
import { sendData, sendList } from '../responses.js';
import { idField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

export const listQuery = z.strictObject({
  provider: z.enum(PROVIDER_IDS).optional(),
  connectionId: idField.optional(),
  status: z.enum(['received', 'processed', 'ignored', 'waiting', 'failed', 'dead']).optional(),
  ...pageQueryFields,
});

export function eventRoutes(services: HubServices): Router {
  const router = Router();
  const { db } = services;

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    const page = pageRequest(query);
    const { rows, total } = await listInboundEvents(db, merchantAuth(res).merchantId, query, page);
    sendList(res, rows.map((row) => presentEvent(row, { withPayload: false })), page, total);
  });

  router.get('/:eventId', async (req, res) => {
    const event = await findInboundEvent(db, merchantAuth(res).merchantId, req.params.eventId);
    if (!event) throw new NotFoundError('event');
    sendData(res, 200, presentEvent(event, { withPayload: true, payloadKeys: services.keys.payloads }));
  });

  // Replays re-run today's code on the stored bytes; every effect is idempotent, so nothing counts twice.
  router.post('/:eventId/replay', requireWriteScope, async (req, res) => {
    const { merchantId } = merchantAuth(res);
    const eventId = pathParameter(req, 'eventId');
    const stored = await findInboundEvent(db, merchantId, eventId);
    if (!stored) throw new NotFoundError('event');
    if (stored.payload_dropped_at !== null) {
      throw new HubError('invalid_transition', `event ${eventId} cannot be replayed: its raw delivery was dropped after the retention period (HUB_RAW_PAYLOAD_RETENTION_DAYS)`);
    }
    if (!(await services.processor.processNow(merchantId, eventId))) throw new NotFoundError('event');
    const event = await findInboundEvent(db, merchantId, eventId);
    if (!event) throw new NotFoundError('event');
    sendData(res, 200, presentEvent(event, { withPayload: false }));
  });

  return router;
}
