/** @module `/api/v1/connections` in the OpenAPI document (SPEC §6): processor accounts. */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { connectionSchema } from '../../presenters/connection.schema.js';
import { createBody, listQuery, rotateBody, updateBody } from '../../routes/connection.routes.js';
import { dataResponse, json, listResponse, merchantSecurity, noContent, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const tags = ['Connections'];
const security = merchantSecurity;

export const connectionPaths: ZodOpenApiPathsObject = {
  '/api/v1/connections': {
    post: {
      operationId: 'createConnection', summary: 'Connect a processor account; the answer’s `webhookUrl` is what the processor is given', tags, security,
      requestBody: { required: true, content: json(createBody) },
      responses: { 201: dataResponse(connectionSchema, 'The connection (secrets are never returned).'), ...writeErrors() },
    },
    get: {
      operationId: 'listConnections', summary: 'Connections', tags, security,
      requestParams: { query: listQuery },
      responses: { 200: listResponse(connectionSchema, 'A page of connections.'), ...readErrors() },
    },
  },
  '/api/v1/connections/{connectionId}': {
    get: {
      operationId: 'getConnection', summary: 'A connection', tags, security,
      requestParams: { path: pathIds('connectionId') },
      responses: { 200: dataResponse(connectionSchema, 'The connection.'), ...readErrors() },
    },
    patch: {
      operationId: 'updateConnection', summary: 'Change a connection; `secrets` and `options` are replaced whole', tags, security,
      requestParams: { path: pathIds('connectionId') },
      requestBody: { required: true, content: json(updateBody) },
      responses: { 200: dataResponse(connectionSchema, 'The connection as changed.'), ...writeErrors() },
    },
    delete: {
      operationId: 'deleteConnection', summary: 'Delete a connection: its webhook URL stops working', tags, security,
      requestParams: { path: pathIds('connectionId') },
      responses: { 204: noContent, ...writeErrors() },
    },
  },
  '/api/v1/connections/{connectionId}/rotate-token': {
    post: {
      operationId: 'rotateConnectionToken', summary: 'A new URL token (Gumroad), shown once in `webhookUrl`', tags, security,
      requestParams: { path: pathIds('connectionId') },
      requestBody: { required: false, content: json(rotateBody) },
      responses: { 200: dataResponse(connectionSchema, 'The connection, `webhookUrl` carrying the new token.'), ...writeErrors() },
    },
  },
};
