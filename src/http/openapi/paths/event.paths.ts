/** @module `/api/v1/events` in the OpenAPI document (SPEC §6): the inbound event log and replay. */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { inboundEventSchema, inboundEventWithPayloadSchema } from '../../presenters/event.schema.js';
import { listQuery } from '../../routes/event.routes.js';
import { dataResponse, listResponse, merchantSecurity, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const tags = ['Events'];
const security = merchantSecurity;

export const eventPaths: ZodOpenApiPathsObject = {
  '/api/v1/events': {
    get: {
      operationId: 'listEvents', summary: 'Inbound processor events, newest first', tags, security,
      requestParams: { query: listQuery },
      responses: { 200: listResponse(inboundEventSchema, 'A page of events (without payloads).'), ...readErrors() },
    },
  },
  '/api/v1/events/{eventId}': {
    get: {
      operationId: 'getEvent', summary: 'An event with its trace and its delivery (personal fields masked)', tags, security,
      requestParams: { path: pathIds('eventId') },
      responses: { 200: dataResponse(inboundEventWithPayloadSchema, 'The event.'), ...readErrors() },
    },
  },
  '/api/v1/events/{eventId}/replay': {
    post: {
      operationId: 'replayEvent', summary: 'Process the stored delivery again with today’s code (idempotent)', tags, security,
      requestParams: { path: pathIds('eventId') },
      responses: { 200: dataResponse(inboundEventSchema, 'The event after the replay.'), ...writeErrors(409) },
    },
  },
};
