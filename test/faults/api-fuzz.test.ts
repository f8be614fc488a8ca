/**
 * Issue 10, fault suite: the hub's own write paths under a seeded fuzz corpus — the conversions API
 * and the postback, their bodies and query strings mutated — plus the reproductions: a JSON
 * body of ~20,000 nested `[` (it killed the process from the postback without any key, and from
 * `/api/v1` and `/admin/v1` with a valid one) and malformed percent-encodings in paths (500 today).
 * No answer may be 500 or more, the process must never exit, and only a write key creates conversions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { conversionApiCase, postbackCase, type ApiTargets } from './support/api-cases.js';
import { deepArrayBody } from './support/body-mutations.js';
import { describeOutcomes, runCorpus } from './support/fuzz-runner.js';
import { callHub, createFaultMerchant, listConversions, type FaultMerchant } from './support/hub-api.js';
import { createHubStorage, FAULT_ADMIN_TOKEN, hubEnvironment, type HubStorage } from './support/hub-environment.js';
import { HubRunner } from './support/hub-runner.js';
import { jsonOf, sendRaw, type RawOutcome } from './support/raw-http.js';
import { faultSeed, reproduceWith } from './support/seeded-random.js';
import { expectHubSurvived, markSurvival } from './support/survival.js';

const CASES_PER_ROUTE = 600;

function conversionIdOf(answer: unknown): string | null {
  const body = answer as { data?: { id?: unknown }; conversion_id?: unknown } | null;
  const id = body?.data?.id ?? body?.conversion_id;
  return typeof id === 'string' && id.startsWith('conv_') ? id : null;
}

function statusOf(outcome: RawOutcome): number | string {
  return outcome.kind === 'response' ? outcome.status : outcome.kind === 'socket-error' ? `socket ${outcome.code}` : 'timeout';
}

describe(`conversions API and postback fuzz corpus on ${TEST_BACKEND}`, () => {
  let storage: HubStorage;
  let runner: HubRunner;
  let targets: ApiTargets;
  let merchant: FaultMerchant;

  beforeAll(async () => {
    storage = await createHubStorage();
    runner = new HubRunner(hubEnvironment(storage));
    await runner.start();
    merchant = await createFaultMerchant(runner.url);
    const more = await Promise.all([1, 2, 3].map(async (number) => {
      const created = await callHub<{ data: { id: string } }>(runner.url, 'POST', '/api/v1/campaigns', merchant.writeKey, { name: `Fuzz ${number}`, currency: 'USD', commission: { type: 'flat', amount: 5 } });
      return created.body.data.id;
    }));
    targets = { merchant, campaignIds: [merchant.campaignId, ...more] };
  });

  afterAll(async () => {
    await runner?.stop();
    await storage?.cleanUp();
  });

  beforeEach(async () => {
    if (!runner.isAlive()) await runner.start();
  });

  it('refuses a JSON body nested 20,000 levels deep with a 4xx, with or without a key, and lives', async () => {
    const mark = markSurvival(runner);
    const deep = deepArrayBody(20_000);
    const json = { 'Content-Type': 'application/json' };
    const cases = [
      { what: 'postback, no key', path: '/api/postback/camp_anything', headers: json, expected: 401 },
      { what: 'postback, write key', path: `/api/postback/${merchant.campaignId}`, headers: { ...json, 'X-Api-Key': merchant.writeKey }, expected: 400 },
      { what: 'conversions API, write key', path: '/api/v1/conversions', headers: { ...json, Authorization: `Bearer ${merchant.writeKey}` }, expected: 400 },
      { what: 'admin API, admin token', path: '/admin/v1/merchants', headers: { ...json, Authorization: `Bearer ${FAULT_ADMIN_TOKEN}` }, expected: 400 },
    ];
    const answers: string[] = [];
    for (const attempt of cases) {
      if (!runner.isAlive()) break;
      const outcome = await sendRaw(runner.url, { method: 'POST', path: attempt.path, headers: attempt.headers, body: deep, timeoutMs: 10_000 });
      answers.push(`${attempt.what}: ${statusOf(outcome)}`);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a crash takes ~100 ms to show
      expect(runner.isAlive(), `the hub died after the ${attempt.what} request\n${runner.report()}`).toBe(true);
    }
    await expectHubSurvived(runner, mark, { what: 'deeply nested JSON' });
    expect(answers).toEqual(cases.map((attempt) => `${attempt.what}: ${attempt.expected}`));
  });

  it('answers a malformed percent-encoding in a path with 400, not 500, and lives', async () => {
    const mark = markSurvival(runner);
    const paths = ['/r/%E0%A4%A', '/api/postback/%E0%A4%A', '/api/v1/conversions/%E0%A4%A', '/api/v1/campaigns/%E0%A4%A'];
    const answers: string[] = [];
    for (const path of paths) {
      const outcome = await sendRaw(runner.url, { method: 'GET', path, headers: { Authorization: `Bearer ${merchant.readKey}` }, timeoutMs: 10_000 });
      answers.push(`${path}: ${statusOf(outcome)}`);
    }
    expect(answers).toEqual(paths.map((path) => `${path}: 400`));
    await expectHubSurvived(runner, mark, { what: 'malformed paths' });
  });

  it(`sends ${CASES_PER_ROUTE} mutated conversions API requests and ${CASES_PER_ROUTE} mutated postbacks: no 5xx, no exit, conversions only from a write key`, async () => {
    const seed = faultSeed('api fuzz');
    const mark = markSurvival(runner);
    const before = (await listConversions(runner.url, merchant)).length;
    const corpus = (index: number) => (index % 2 === 0 ? conversionApiCase(targets, seed, index) : postbackCase(targets, seed, index));
    const result = await runCorpus(runner, corpus, { count: 2 * CASES_PER_ROUTE, storedIdOf: conversionIdOf });
    const summary = `api fuzz: ${result.sent} sent (${describeOutcomes(result)}); ${reproduceWith(seed)}`;
    if (result.inFlightAtDeath.length > 0) {
      expect.fail(`the hub died during the API corpus; requests in flight then:\n  ${result.inFlightAtDeath.join('\n  ')}\n${summary}\n${runner.report()}`);
    }
    await expectHubSurvived(runner, mark, { what: 'api fuzz', seed });
    expect(result.violations.slice(0, 25), `${result.violations.length} violation(s); ${summary}`).toEqual([]);
    const after = (await listConversions(runner.url, merchant)).length;
    expect(after - before, `conversions in the hub vs conversions it acknowledged; ${summary}`).toBe(result.storedIds.size);
  }, 180_000);

  it('still records an ordinary conversion and postback after the corpus', async () => {
    const created = await callHub<{ data: { id: string } }>(runner.url, 'POST', '/api/v1/conversions', merchant.writeKey,
      { campaignId: merchant.campaignId, clickId: merchant.clickId, amount: '10.00', orderId: 'after-fuzz-api' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A fresh campaign: the corpus has used up the per-IP postback budget of the others.
    const campaign = await callHub<{ data: { id: string } }>(runner.url, 'POST', '/api/v1/campaigns', merchant.writeKey, { name: 'After fuzz', currency: 'USD', commission: { type: 'flat', amount: 1 } });
    const affiliate = await callHub<{ data: { id: string } }>(runner.url, 'POST', '/api/v1/affiliates', merchant.writeKey, { name: 'Bo', email: 'bo@affiliates.test', campaignId: campaign.body.data.id });
    const click = await callHub<{ data: { clickId: string } }>(runner.url, 'POST', '/api/v1/clicks', merchant.writeKey, { campaignId: campaign.body.data.id, affiliateId: affiliate.body.data.id });
    const path = `/api/postback/${campaign.body.data.id}?api_key=${merchant.writeKey}&order_id=after-fuzz-postback&amount=5&click_id=${click.body.data.clickId}`;
    const postback = await sendRaw(runner.url, { method: 'GET', path });
    expect([statusOf(postback), jsonOf(postback)]).toEqual([200, expect.objectContaining({ success: true })]);
  });
});
