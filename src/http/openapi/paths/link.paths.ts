/** @module `/api/v1/links` and `/api/v1/clicks` in the OpenAPI document (SPEC §4). */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { clickSchema, linkSchema } from '../../presenters/link.schema.js';
import { createBody as createClickBody, listQuery as listClicksQuery } from '../../routes/click.routes.js';
import { createBody as createLinkBody, listQuery as listLinksQuery } from '../../routes/link.routes.js';
import { dataResponse, json, listResponse, merchantSecurity, pathIds, readErrors, writeErrors } from '../operation-parts.js';

const security = merchantSecurity;

export const linkPaths: ZodOpenApiPathsObject = {
  '/api/v1/links': {
    post: {
      operationId: 'createLink', summary: 'Create a tracking link (`HUB_PUBLIC_URL/r/<code>`)', tags: ['Links'], security,
      requestBody: { required: true, content: json(createLinkBody) },
      responses: { 201: dataResponse(linkSchema, 'The link, with its `url`.'), ...writeErrors() },
    },
    get: {
      operationId: 'listLinks', summary: 'Links', tags: ['Links'], security,
      requestParams: { query: listLinksQuery },
      responses: { 200: listResponse(linkSchema, 'A page of links.'), ...readErrors() },
    },
  },
  '/api/v1/links/{linkId}': {
    get: {
      operationId: 'getLink', summary: 'A link', tags: ['Links'], security,
      requestParams: { path: pathIds('linkId') },
      responses: { 200: dataResponse(linkSchema, 'The link.'), ...readErrors() },
    },
  },
  '/api/v1/clicks': {
    post: {
      operationId: 'createClick', summary: 'Record a click server-side (by link code, or campaign and affiliate)', tags: ['Clicks'], security,
      requestBody: { required: true, content: json(createClickBody) },
      responses: { 201: dataResponse(clickSchema, 'The click, with its `clickId` and `visitorId`.'), ...writeErrors() },
    },
    get: {
      operationId: 'listClicks', summary: 'Clicks, newest first', tags: ['Clicks'], security,
      requestParams: { query: listClicksQuery },
      responses: { 200: listResponse(clickSchema, 'A page of clicks.'), ...readErrors() },
    },
  },
  '/api/v1/clicks/{clickId}': {
    get: {
      operationId: 'getClick', summary: 'A click', tags: ['Clicks'], security,
      requestParams: { path: pathIds('clickId') },
      responses: { 200: dataResponse(clickSchema, 'The click.'), ...readErrors() },
    },
  },
};
