/**
 * @module `npm run docs:api`: writes `docs/openapi.json` and `docs/api-reference.md` from the
 * OpenAPI document the hub serves, so the reference in the repository is never written by hand.
 * `test/docs/api-reference.test.ts` fails when they are out of date.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOpenApiDocument } from '../http/openapi/openapi-document.js';
import { renderApiReference } from '../http/openapi/render-markdown.js';

/** The server the files name: a hub started with `npm start` on its defaults. */
export const DOCUMENTED_SERVER = 'http://localhost:3000';

export function apiDocumentFiles(): { openapi: string; reference: string } {
  const document = createOpenApiDocument(DOCUMENTED_SERVER);
  return { openapi: `${JSON.stringify(document, null, 2)}\n`, reference: renderApiReference(document) };
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const docs = join(import.meta.dirname, '..', '..', 'docs');
  const files = apiDocumentFiles();
  writeFileSync(join(docs, 'openapi.json'), files.openapi);
  writeFileSync(join(docs, 'api-reference.md'), files.reference);
  process.stdout.write('wrote docs/openapi.json and docs/api-reference.md\n');
}
