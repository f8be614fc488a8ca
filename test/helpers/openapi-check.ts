/**
 * Every response the shared test client receives, checked against the hub's OpenAPI document: the
 * status must be documented for the operation, the content type among the documented ones, and a
 * JSON body valid under the documented schema (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it).
 * `test-hub.ts` wraps its supertest client with `checkedAgainstOpenApi`, so every API test checks
 * what it receives without saying so.
 *
 * A request no operation matches (an unknown path or method, or one refused before routing) must
 * be answered with the SPEC §2 error envelope.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type supertest from 'supertest';
import type { oas31 } from 'zod-openapi';
import { createOpenApiDocument } from '../../src/http/openapi/openapi-document.js';

type Agent = ReturnType<typeof supertest>;
interface CheckedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
type Method = (typeof METHODS)[number];

interface Operation {
  method: Method;
  template: string;
  pattern: RegExp;
  responses: oas31.ResponsesObject;
}

const document = createOpenApiDocument('https://hub.test');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validators = new Map<object, ValidateFunction>();

/** A schema of the document, with the document's components beside it (refs rewritten to `$defs`). */
function validatorFor(schema: object): ValidateFunction {
  const known = validators.get(schema);
  if (known) return known;
  const rewrite = (value: object) => JSON.parse(JSON.stringify(value).replaceAll('#/components/schemas/', '#/$defs/')) as object;
  const validate = ajv.compile({ ...rewrite(schema), $defs: rewrite(document.components?.schemas ?? {}) });
  validators.set(schema, validate);
  return validate;
}

const operations: Operation[] = Object.entries(document.paths ?? {}).flatMap(([template, item]) => METHODS.flatMap((method) => {
  const operation = item[method];
  if (!operation?.responses) return [];
  const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
  return [{ method, template, pattern, responses: operation.responses }];
}));

const errorEnvelope = validatorFor({ $ref: '#/components/schemas/Error' });
/** The statuses of answers given before (or instead of) any route: see error-handler.ts and the API gate. */
const UNROUTED_STATUSES = new Set([400, 401, 403, 404, 413, 415, 429, 500, 503]);

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).slice(0, 5).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('; ');
}

/** The problem with this response under the document, or null when it conforms. */
export function openApiProblem(method: string, url: string, response: CheckedResponse): string | null {
  const path = new URL(url, 'https://hub.test').pathname;
  const what = `${method.toUpperCase()} ${path} → ${response.status}`;
  const operation = operations.find((candidate) => candidate.method === method.toLowerCase() && candidate.pattern.test(path));
  if (!operation) {
    if (!UNROUTED_STATUSES.has(response.status)) return `${what}: no operation in the OpenAPI document matches this request`;
    return errorEnvelope(response.body) ? null : `${what}: not the error envelope: ${describeErrors(errorEnvelope)}`;
  }
  const documented = operation.responses[String(response.status)] as oas31.ResponseObject | undefined;
  if (!documented) return `${what}: status not documented for ${method.toUpperCase()} ${operation.template}`;
  if (!documented.content) return null;
  const type = mediaType(response.headers['content-type']);
  const media = documented.content[type];
  if (!media) return `${what}: content type "${type}" not documented (${Object.keys(documented.content).join(', ')})`;
  if (type !== 'application/json' || !media.schema) return null;
  const validate = validatorFor(media.schema);
  return validate(response.body) ? null : `${what}: body does not match the documented schema: ${describeErrors(validate)}`;
}

/**
 * The same supertest client, every request of which also asserts its response against the
 * document (the check runs with the test's own `.expect(...)` assertions, so it fails the test).
 */
export function checkedAgainstOpenApi(agent: Agent): Agent {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !(METHODS as readonly string[]).includes(property) || typeof value !== 'function') return value;
      return (url: string, ...rest: unknown[]) => {
        const test = (value as (url: string, ...rest: unknown[]) => supertest.Test).call(target, url, ...rest);
        return test.expect((response: CheckedResponse) => {
          const problem = openApiProblem(property, url, response);
          if (problem) throw new Error(`response does not conform to the OpenAPI document: ${problem}`);
        });
      };
    },
  });
}
