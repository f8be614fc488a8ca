/**
 * @module The OpenAPI document as a Markdown API reference (`docs/api-reference.md`, written by
 * `npm run docs:api`): one section per tag, each operation with its security, parameters, request
 * body and responses, then every component schema as a table of its fields. A small walk of our own
 * document rather than a renderer package: the maintained ones produce HTML pages or pull in a
 * browser bundle, and a Markdown file in the repository is what `docs/` needs (read on any host, no CDN).
 */
import type { oas31 } from 'zod-openapi';

type Schema = oas31.SchemaObject | oas31.ReferenceObject;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const isReference = (schema: Schema): schema is oas31.ReferenceObject => '$ref' in schema;
const componentName = (reference: string) => reference.replace('#/components/schemas/', '');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** A schema in a few words: `string (date-time)`, `[Conversion](#conversion)[]`, `"net" | "gross"`. */
export function describeType(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (isReference(schema)) {
    const name = componentName(schema.$ref);
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map((alternative) => describeType(alternative)).join(' \\| ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.includes('array')) return `${describeType(schema.items)}[]`;
  if (types.length === 0) return 'any';
  return types.map((type) => (type === 'string' && schema.format ? `string (${schema.format})` : type)).join(' \\| ');
}

/** A response body: the SPEC §2 envelopes shown as such (`{data: Conversion}`, `{data: Conversion[], pagination}`). */
function describeBody(schema: Schema | undefined): string {
  if (!schema || isReference(schema) || !schema.properties?.data) return describeType(schema);
  return `{data: ${describeType(schema.properties.data)}${schema.properties.pagination ? ', pagination' : ''}}`;
}

function constraints(schema: Schema): string {
  if (isReference(schema)) return '';
  const parts: string[] = [];
  if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  // A format (date-time) says what its generated pattern would, more readably.
  if (schema.pattern && !schema.format) parts.push(`pattern \`${schema.pattern}\``);
  if (schema.minItems !== undefined) parts.push(`at least ${schema.minItems}`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems}`);
  return parts.join(', ');
}

function fieldsTable(schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (isReference(schema)) return [`${describeType(schema)}`, ''];
  if (!schema.properties) return [`${describeType(schema)}${constraints(schema) ? ` (${constraints(schema)})` : ''}`, ''];
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties).map(([name, property]) => {
    const description = isReference(property) ? '' : property.description ?? '';
    const notes = [constraints(property), description].filter(Boolean).join('; ');
    return `| \`${name}\` | ${describeType(property)} | ${required.has(name) ? 'yes' : ''} | ${cell(notes)} |`;
  });
  const closed = schema.additionalProperties === false ? ['', 'Other fields are refused.'] : [];
  return ['| field | type | required | notes |', '|---|---|---|---|', ...rows, ...closed, ''];
}

function securityLine(operation: oas31.OperationObject, fallback: oas31.SecurityRequirementObject[] | undefined): string {
  const requirements = operation.security ?? fallback ?? [];
  if (requirements.length === 0) return 'Authentication: none (see the description).';
  const names = requirements.map((requirement) => Object.keys(requirement).join(' + ') || 'none');
  return `Authentication: ${names.map((name) => (name === 'none' ? 'none' : `\`${name}\``)).join(' or ')}.`;
}

function operationSection(path: string, method: string, operation: oas31.OperationObject, document: oas31.OpenAPIObject): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, '', operation.summary ?? '', ''];
  if (operation.description) lines.push(operation.description, '');
  lines.push(securityLine(operation, document.security), '');
  const parameters = (operation.parameters ?? []).filter((parameter): parameter is oas31.ParameterObject => !('$ref' in parameter));
  if (parameters.length > 0) {
    lines.push('| parameter | in | type | required | notes |', '|---|---|---|---|---|');
    for (const parameter of parameters) {
      const schema = parameter.schema;
      lines.push(`| \`${parameter.name}\` | ${parameter.in} | ${describeType(schema)} | ${parameter.required ? 'yes' : ''} | ${cell([schema ? constraints(schema) : '', parameter.description ?? ''].filter(Boolean).join('; '))} |`);
    }
    lines.push('');
  }
  const body = operation.requestBody && !('$ref' in operation.requestBody) ? operation.requestBody : null;
  if (body) {
    for (const [type, media] of Object.entries(body.content)) {
      lines.push(`Request body (\`${type}\`)${body.required ? '' : ', optional'}:`, '', ...fieldsTable(media.schema));
    }
  }
  lines.push('| status | meaning | body |', '|---|---|---|');
  // The library types a response as `any` (its index signature); each is a ResponseObject here (no $refs are made).
  for (const [status, response] of Object.entries(operation.responses ?? {}) as [string, oas31.ResponseObject | oas31.ReferenceObject][]) {
    if ('$ref' in response) continue;
    const content = Object.entries(response.content ?? {}).map(([type, media]) => (type === 'application/json' ? describeBody(media.schema) : `\`${type}\``)).join(', ');
    lines.push(`| ${status} | ${cell(response.description)} | ${content ? cell(content) : '—'} |`);
  }
  lines.push('');
  return lines;
}

export function renderApiReference(document: oas31.OpenAPIObject): string {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) => METHODS.flatMap((method) => {
    const operation = item[method];
    return operation ? [{ path, method, operation }] : [];
  }));
  const lines = [
    '# API reference',
    '',
    '<!-- Generated from the OpenAPI document (`GET /openapi.json`, also `docs/openapi.json`) by `npm run docs:api`. Do not edit by hand. -->',
    '',
    `${document.info.title} ${document.info.version}, OpenAPI ${document.openapi}. The same document is served by every hub at`,
    '`GET /openapi.json` (load it into any OpenAPI tool) and kept in this repository as [`openapi.json`](openapi.json).',
    '',
    document.info.description ?? '',
    '',
    '## Operations',
    '',
  ];
  for (const tag of document.tags ?? []) {
    const tagged = operations.filter(({ operation }) => operation.tags?.includes(tag.name));
    if (tagged.length === 0) continue;
    lines.push(`- **${tag.name}**: ${tagged.map(({ path, method }) => `\`${method.toUpperCase()} ${path}\``).join(', ')}`);
  }
  lines.push('');
  for (const tag of document.tags ?? []) {
    const tagged = operations.filter(({ operation }) => operation.tags?.includes(tag.name));
    if (tagged.length === 0) continue;
    lines.push(`## ${tag.name}`, '', ...(tag.description ? [tag.description, ''] : []));
    for (const { path, method, operation } of tagged) lines.push(...operationSection(path, method, operation, document));
  }
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    lines.push(`### ${name}`, '', ...(schema.description ? [schema.description, ''] : []), ...fieldsTable(schema));
  }
  lines.push('## Authentication schemes', '', '| name | how |', '|---|---|');
  for (const [name, scheme] of Object.entries(document.components?.securitySchemes ?? {})) {
    if ('$ref' in scheme) continue;
    const how = scheme.type === 'http' ? `\`Authorization: Bearer …\`` : `\`${scheme.name ?? ''}\` in the ${scheme.in ?? ''}`;
    lines.push(`| \`${name}\` | ${how}: ${cell(scheme.description ?? '')} |`);
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
