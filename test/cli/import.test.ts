/**
 * `conversion-hub import` (issue 15). End to end against a real hub process: a CSV backfilled with a
 * progress bar and a summary; a re-run that finds it done; `--restart`, whose every row is answered
 * 409 and counted as already synced; a JSON Lines import interrupted with Ctrl-C (exit 130) and
 * resumed from its state file to exactly one conversion per row; refused rows counted, written to
 * the failed-rows file with the hub's reason, and exit code 1. In this process: 429s honoured —
 * the import waits out `Retry-After` on the hub's own clock and loses nothing — and the client's
 * own pace against a hub that answers at once.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/cli/import/run-import.js';
import { callHub } from '../faults/support/hub-api.js';
import { apiClient, createCampaignWithAffiliate, createMerchant as createTestMerchant, createTestHub } from '../helpers/test-hub.js';
import { runCli, startCli } from './support/cli-process.js';
import { createMerchant, startRealHub, type Merchant, type RealHub } from './support/real-hub.js';
import { salesDirectory, writeSalesCsv, writeSalesJsonl } from './support/sales-files.js';

interface State {
  doneThrough: number;
  complete: boolean;
  counts: { created: number; duplicate: number; failed: number };
}

describe('conversion-hub import against a real hub', () => {
  let hub: RealHub;
  let directory: string;

  beforeAll(async () => {
    hub = await startRealHub();
    directory = salesDirectory();
  }, 90_000);
  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    await hub.stop();
  });

  const conversionCount = async (merchant: Merchant) =>
    (await callHub<{ pagination: { total: number } }>(hub.url, 'GET', `/api/v1/conversions?perPage=1&campaignId=${merchant.campaignId}`, merchant.readKey)).body.pagination.total;
  const importing = (merchant: Merchant, ...args: string[]) => runCli(['import', ...args], { HUB_URL: hub.url, HUB_API_KEY: merchant.writeKey });

  it('backfills a CSV with a progress bar and a summary; a re-run finds it done; --restart counts every row as already synced', async () => {
    const merchant = await createMerchant(hub.url);
    const file = writeSalesCsv(directory, 'sales.csv', 2_000, { affiliateId: merchant.affiliateId, prefix: 'csv' });
    const run = await importing(merchant, file, '--campaign', merchant.campaignId, '--progress');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^import \|[=-]+\| \d+% \d+\/2000 \| \d+\/s \| ETA \S+ \| created \d+ · duplicate 0 · failed 0$/m);
    expect(run.stderr).toMatch(/^import \|=+\| 100% 2000\/2000 \| \d+\/s \| ETA 0s \| created 2000 · duplicate 0 · failed 0$/m);
    expect(run.stdout).toMatch(new RegExp(`^imported ${file} into ${hub.url}: 2000 of 2000 rows done; 2000 sent in [\\d.]+ s, \\d+/s$`, 'm'));
    expect(run.stdout).toMatch(/^ {2}created {4}2000$/m);
    expect(run.stdout).toMatch(/^ {2}failed {5}0$/m);
    expect(await conversionCount(merchant)).toBe(2_000);

    const again = await importing(merchant, file, '--campaign', merchant.campaignId);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/2000 of 2000 rows done \(resumed after row 2000\); 0 sent/);

    const restarted = await importing(merchant, file, '--campaign', merchant.campaignId, '--restart', '--json');
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ total: 2000, done: 2000, counts: { created: 0, duplicate: 2000, failed: 0 }, sentThisRun: 2000 });
    expect(await conversionCount(merchant)).toBe(2_000);
  });

  it('stops on Ctrl-C with exit 130 and the state saved, and the same command resumes to one conversion per row', async () => {
    const merchant = await createMerchant(hub.url);
    const file = writeSalesJsonl(directory, 'sales.jsonl', 3_000, { affiliateId: merchant.affiliateId, campaignId: merchant.campaignId, prefix: 'jsonl' });
    const stateFile = `${file}.import-state.json`;
    const first = startCli(['import', file, '--concurrency', '4', '--progress'], { HUB_URL: hub.url, HUB_API_KEY: merchant.writeKey });
    await first.waitFor(/ (\d{3,})\/3000 /, { stream: 'stderr', timeoutMs: 60_000 });
    const stopped = await first.interrupt();
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/stopping: letting the requests in flight finish/);
    expect(stopped.stdout).toMatch(/^run the same command again to resume \(state in .*sales\.jsonl\.import-state\.json\)$/m);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
    expect(saved.doneThrough).toBeGreaterThanOrEqual(100);
    expect(saved.doneThrough).toBeLessThan(3_000);
    expect(saved.complete).toBe(false);

    const resumed = await importing(merchant, file, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { resumedFrom: number; sentThisRun: number; counts: State['counts']; complete: boolean };
    expect(summary.resumedFrom).toBe(saved.doneThrough);
    expect(summary.sentThisRun).toBe(3_000 - saved.doneThrough);
    expect(summary.counts.created + summary.counts.duplicate).toBe(3_000);
    expect(summary.counts.failed).toBe(0);
    expect(summary.complete).toBe(true);
    expect(await conversionCount(merchant)).toBe(3_000);
  }, 120_000);

  it('counts the rows the hub refuses, writes them with its reason, and exits 1', async () => {
    const merchant = await createMerchant(hub.url);
    const file = join(directory, 'mixed.csv');
    writeFileSync(file, [
      'order_id,amount,campaign_id,affiliate_id,metadata',
      `mixed-1,10.00,${merchant.campaignId},${merchant.affiliateId},`,
      `mixed-2,9.999,${merchant.campaignId},${merchant.affiliateId},`,
      `mixed-3,10.00,camp_doesNotExist00000000,${merchant.affiliateId},`,
      `mixed-4,10.00,${merchant.campaignId},${merchant.affiliateId},{not json`,
      `mixed-5,12.50,${merchant.campaignId},${merchant.affiliateId},"{""channel"": ""newsletter""}"`,
    ].join('\n'));
    const run = await importing(merchant, file);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}created {4}2$/m);
    expect(run.stdout).toMatch(new RegExp(`^ {2}failed {5}3 {2}\\(reasons in ${file}\\.import-failed\\.jsonl\\)$`, 'm'));
    const failures = readFileSync(`${file}.import-failed.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { row: number; status: number | null; error: string });
    // Written as the answers come, which need not be in file order.
    expect(failures.map(({ row, status }) => [row, status]).sort((left, right) => Number(left[0]) - Number(right[0]))).toEqual([[2, 400], [3, 404], [4, null]]);
    expect(failures.find((failure) => failure.row === 2)?.error).toMatch(/^invalid_request: amount/);
    expect(failures.find((failure) => failure.row === 4)?.error).toBe('metadata is not valid JSON');

    const unknownColumn = join(directory, 'unknown-column.csv');
    writeFileSync(unknownColumn, 'orderId,amount,price\nx-1,10,10\n');
    const refused = await importing(merchant, unknownColumn);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/unknown column\(s\) price/);
    expect(existsSync(`${unknownColumn}.import-state.json`)).toBe(false);
  });
});

describe('conversion-hub import, paced by the hub', () => {
  it('waits out every 429 for Retry-After and sends the same sale again, losing none', async () => {
    const hub = await createTestHub({ environment: { HUB_RATE_LIMIT_PER_MINUTE: '25' }, start: new Date() });
    const directory = salesDirectory();
    try {
      const merchant = await createTestMerchant(hub);
      const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant);
      const file = writeSalesCsv(directory, 'limited.csv', 60, { affiliateId, prefix: 'limited' });
      // The import waits on the hub's clock: a minute's window passes at once, and the hub sees exactly the time waited.
      const clock = { now: () => hub.clock.now().getTime(), sleep: (ms: number) => Promise.resolve(hub.clock.advance(ms)) };
      const summary = await runImport({
        file, hub: hub.url, key: merchant.writeKey, defaults: { campaignId }, concurrency: 4, restart: false, progress: 'never',
        stopSignal: new AbortController().signal, clock,
      });
      expect(summary.counts).toEqual({ created: 60, duplicate: 0, failed: 0 });
      expect(summary.rateLimited).toBeGreaterThan(0);
      // 60 sales at 25 a minute: two whole windows waited out.
      expect(summary.pausedMs).toBeGreaterThanOrEqual(2 * 50_000);
      const listed = await apiClient(hub, merchant.readKey).get(`/api/v1/conversions?perPage=1&campaignId=${campaignId}`).expect(200);
      expect(listed.body.pagination.total).toBe(60);
    } finally {
      rmSync(directory, { recursive: true, force: true });
      await hub.close();
    }
  });

  it('sends over 1,000 conversions a second when the hub keeps up', async () => {
    // A stand-in for a hub with unlimited capacity: it answers every sale 201 at once.
    let received = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received += 1;
        res.writeHead(201, { 'content-type': 'application/json', 'x-ratelimit-remaining': '999999' }).end('{"data":{}}');
      });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const directory = salesDirectory();
    try {
      const file = writeSalesCsv(directory, 'fast.csv', 10_000, { affiliateId: 'aff_x', prefix: 'fast' });
      const run = await runCli(['import', file, '--campaign', 'camp_x', '--concurrency', '32', '--json'],
        { HUB_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, HUB_API_KEY: 'hub_sk_stand_in' });
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as { counts: State['counts']; ratePerSecond: number };
      expect(summary.counts.created).toBe(10_000);
      expect(received).toBe(10_000);
      expect(summary.ratePerSecond).toBeGreaterThanOrEqual(1_000);
    } finally {
      rmSync(directory, { recursive: true, force: true });
      server.close();
    }
  });
});
