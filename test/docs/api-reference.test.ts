/**
 * The API reference in the repository is the OpenAPI document's (issue 15): docs/openapi.json and
 * docs/api-reference.md are exactly what `npm run docs:api` writes today, so a change to a route's or a
 * presenter's schema that is not regenerated fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiDocumentFiles } from '../../src/cli/write-api-docs.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

describe('docs/api-reference.md and docs/openapi.json', () => {
  const files = apiDocumentFiles();

  it('are up to date with the code (run `npm run docs:api` after changing a schema)', () => {
    expect(readFileSync(join(DOCS, 'openapi.json'), 'utf8')).toBe(files.openapi);
    expect(readFileSync(join(DOCS, 'api-reference.md'), 'utf8')).toBe(files.reference);
  });

  it('document every operation of the document', () => {
    const document = JSON.parse(files.openapi) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) expect(files.reference).toContain(`### ${method.toUpperCase()} ${path}`);
    }
  });
});
