/**
 * docs/operating.md's table of `/metrics` names (issue 15) is exactly what a hub exposes: every
 * metric a running hub serves is in the table with its type, and the table names nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

function documentedMetrics(): Map<string, string> {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'operating.md'), 'utf8');
  const section = text.slice(text.indexOf('## Metrics'));
  return new Map([...section.matchAll(/^\| `(hub_[a-z0-9_]+)` \| (counter|gauge|histogram|summary) \|/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

describe('the metrics table', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(() => hub.close());

  it('lists every metric GET /metrics serves, with its type, and nothing else', async () => {
    const text = (await hub.http.get('/metrics').expect(200)).text;
    const served = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
    expect(served.size).toBeGreaterThan(10);
    expect(Object.fromEntries(documentedMetrics())).toEqual(Object.fromEntries(served));
  });
});
