/**
 * The OpenAPI 3.1 document (issue 15): served at `GET /openapi.json`, valid under the OpenAPI 3.1
 * schema (checked by @seriousme/openapi-schema-validator), describing every route the app serves and
 * nothing it does not — and the response check that every API test runs through (test-hub.ts) does
 * refuse what the document does not allow.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExpressApp } from '../../src/http/create-app.js';
import { createOpenApiDocument } from '../../src/http/openapi/openapi-document.js';
import { listRoutes } from '../helpers/list-routes.js';
import { openApiProblem } from '../helpers/openapi-check.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

/** `/api/v1/campaigns/:campaignId` → `/api/v1/campaigns/{campaignId}`, without a trailing slash. */
function asTemplate(route: string): string {
  const [method = '', path = ''] = route.split(' ');
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return `${method.toLowerCase()} ${trimmed.replace(/:([A-Za-z]+)/g, '{$1}')}`;
}

describe('the OpenAPI document', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ environment: { HUB_PUBLIC_URL: 'https://hub.example.com' } });
  });
  afterAll(() => hub.close());

  it('is served at GET /openapi.json, with HUB_PUBLIC_URL as its server', async () => {
    const response = await hub.http.get('/openapi.json').expect(200).expect('Content-Type', /application\/json/);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.servers).toEqual([{ url: 'https://hub.example.com' }]);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(createOpenApiDocument('https://hub.example.com'))));
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const document = (await hub.http.get('/openapi.json').expect(200)).body as Parameters<Validator['validate']>[0];
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route the app serves, and no route it does not', () => {
    // `/api/postback/:campaignId` is one `router.all` route: the document names the methods it answers (GET, POST).
    const served = listRoutes(createExpressApp(hub.services)).map(asTemplate)
      .flatMap((route) => (route.startsWith('_all ') ? ['get', 'post'].map((method) => `${method} ${route.slice(5)}`) : [route]));
    // Processor deliveries are served by the plain node:http ingress, before express (webhook-ingress.ts).
    served.push('post /webhooks/{provider}/{connectionId}', 'get /webhooks/{provider}/{connectionId}');
    const documented = Object.entries(createOpenApiDocument('https://hub.test').paths ?? {})
      .flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method} ${path}`));
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
  });

  it('has an operation id and a summary on every operation, and every operation id once', () => {
    const operations = Object.values(createOpenApiDocument('https://hub.test').paths ?? {}).flatMap((item) => Object.values(item as Record<string, { operationId?: string; summary?: string }>));
    for (const operation of operations) expect(operation.summary, operation.operationId).toBeTruthy();
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is what every test response is checked against, and that check refuses what the document does not allow', () => {
    const campaign = {
      id: 'camp_1', name: 'x', currency: 'USD', commission: { type: 'percent', rate: 20 }, commissionBase: 'net', cookieWindowDays: 30,
      clockSkewMinutes: 15, recurring: null, holdDays: 30, selfReferral: 'reject', createdAt: '2026-03-10T12:00:00.000Z', updatedAt: '2026-03-10T12:00:00.000Z',
    };
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(openApiProblem('get', '/api/v1/campaigns/camp_1', { status: 200, headers: json, body: { data: campaign } })).toBeNull();
    expect(openApiProblem('get', '/api/v1/campaigns/camp_1', { status: 200, headers: json, body: { data: { ...campaign, secret: 'x' } } }))
      .toMatch(/does not match the documented schema.*must NOT have additional properties/);
    expect(openApiProblem('get', '/api/v1/campaigns/camp_1', { status: 200, headers: json, body: { data: { ...campaign, createdAt: 'yesterday' } } }))
      .toMatch(/must match format "date-time"/);
    expect(openApiProblem('get', '/api/v1/campaigns/camp_1', { status: 409, headers: json, body: { error: { code: 'duplicate', message: 'x' } } }))
      .toMatch(/status not documented/);
    expect(openApiProblem('get', '/api/v1/campaigns/camp_1', { status: 200, headers: { 'content-type': 'text/html' }, body: {} }))
      .toMatch(/content type "text\/html" not documented/);
    expect(openApiProblem('get', '/no/such/route', { status: 404, headers: json, body: { error: { code: 'not_found', message: 'no route' } } })).toBeNull();
    expect(openApiProblem('get', '/no/such/route', { status: 200, headers: json, body: {} })).toMatch(/no operation/);
  });
});
