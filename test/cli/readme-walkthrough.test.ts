/**
 * The README's "Ten minutes with the command line", as a newcomer follows it (issue 15, "done
 * when"): the shell blocks are read from README.md and run as written — `npx conversion-hub`, curl,
 * node — by bash, against a real hub process set up as the README's first walkthrough sets it up
 * (merchant, campaign, affiliate, link, a click through `/r/:code`). Stripe and Paddle connections
 * are made, `events tail` (in its own process group, ended like Ctrl-C) watches a signed Stripe and
 * Paddle purchase arrive and become conversions, 10,000 past sales are imported from a CSV on a
 * terminal (a pseudo-terminal from util-linux `script`, so the progress bar is drawn), and the API
 * reference is read from the hub. The import's rate is printed: docs/operating.md records it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHub } from '../faults/support/hub-api.js';
import { FAULT_ADMIN_TOKEN } from '../faults/support/hub-environment.js';
import { startRealHub, type RealHub } from './support/real-hub.js';

const REPOSITORY = join(import.meta.dirname, '..', '..');

/** The ```sh blocks of the README section titled `title`, in order. */
function readmeShellBlocks(title: string): string[] {
  const readme = readFileSync(join(REPOSITORY, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

interface Shell {
  output: () => string;
  finished: Promise<number | null>;
  /** Ctrl-C: SIGINT to the whole process group, as a terminal sends it. */
  interrupt(): void;
}

function shell(script: string, environment: Record<string, string>, cwd: string, options: { terminal?: boolean } = {}): Shell {
  const file = join(cwd, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, `set -euo pipefail\n${script}`);
  const command = options.terminal ? ['script', ['-qefc', `bash ${file}`, '/dev/null']] as const : ['bash', [file]] as const;
  const child = spawn(command[0], [...command[1]], { cwd, env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const guard = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), 280_000);
  const finished = new Promise<number | null>((resolve) => child.on('close', (code) => {
    clearTimeout(guard);
    resolve(code);
  }));
  return { output: () => output, finished, interrupt: () => process.kill(-(child.pid ?? 0), 'SIGINT') };
}

async function until(check: () => boolean, what: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the README’s ten minutes with the command line', () => {
  let hub: RealHub;
  let workspace: string;
  let environment: Record<string, string>;
  const ids = { KEY: '', CAMP: '', AFF: '', CLICK: '' };

  beforeAll(async () => {
    hub = await startRealHub();
    // Inside the repository (npx finds its bin there), in a folder git ignores.
    mkdirSync(join(REPOSITORY, 'node_modules', '.cache'), { recursive: true });
    workspace = mkdtempSync(join(REPOSITORY, 'node_modules', '.cache', 'readme-walkthrough-'));
    // The README's first walkthrough: a merchant, a campaign, an affiliate, a link, and a buyer's click through it.
    const merchant = await callHub<{ data: { apiKeys: { write: string } } }>(hub.url, 'POST', '/admin/v1/merchants', FAULT_ADMIN_TOKEN, { name: 'My Shop' });
    ids.KEY = merchant.body.data.apiKeys.write;
    ids.CAMP = (await callHub<{ data: { id: string } }>(hub.url, 'POST', '/api/v1/campaigns', ids.KEY, { name: 'Launch', currency: 'USD', commission: { type: 'percent', rate: 20 } })).body.data.id;
    ids.AFF = (await callHub<{ data: { id: string } }>(hub.url, 'POST', '/api/v1/affiliates', ids.KEY, { name: 'Ada', email: 'ada@example.com', campaignId: ids.CAMP })).body.data.id;
    await callHub(hub.url, 'POST', '/api/v1/links', ids.KEY, { campaignId: ids.CAMP, affiliateId: ids.AFF, destinationUrl: 'https://example.com/pricing', code: 'ada' });
    const redirect = await fetch(`${hub.url}/r/ada`, { redirect: 'manual' });
    ids.CLICK = new URL(redirect.headers.get('location') ?? '').searchParams.get('hub_click') ?? '';
    environment = {
      PATH: process.env.PATH ?? '', HOME: workspace, npm_config_update_notifier: 'false', npm_config_fund: 'false',
      H: hub.url, ...ids,
    };
  }, 90_000);
  afterAll(async () => {
    rmSync(workspace, { recursive: true, force: true });
    await hub.stop();
  });

  it('connects Stripe and Paddle, triggers a purchase of each that events tail sees arrive, imports 10,000 sales with a progress bar, and serves the API reference', async () => {
    const [connect, tail, triggers, importing] = readmeShellBlocks('Ten minutes with the command line');
    expect([connect, tail, triggers, importing].every((block) => block !== undefined && block.length > 0)).toBe(true);

    // Started first, like the second terminal; whatever it finds already there it shows too (--last 10).
    const tailing = shell(tail ?? '', { ...environment, HUB_URL: hub.url, HUB_API_KEY: ids.KEY }, workspace);

    const session = shell(`${connect ?? ''}\n${triggers ?? ''}\n${importing ?? ''}`, environment, workspace, { terminal: true });
    const code = await session.finished;
    const output = session.output();
    expect(code, output.slice(-6_000)).toBe(0);

    // The two triggers: each stored, processed, attributed to the README's click, with its trace.
    for (const provider of ['stripe', 'paddle']) {
      expect(output).toMatch(new RegExp(`delivered to ${hub.url}/webhooks/${provider}/con_\\w+: stored as ev_\\w+`));
    }
    expect(output.match(/^outcome: processed\r?$/gm)).toHaveLength(2);
    expect(output.match(new RegExp(`click ${ids.CLICK} → affiliate ${ids.AFF}`, 'g'))?.length).toBeGreaterThanOrEqual(2);

    // events tail saw both arrive and be processed, with their conversions and traces.
    await until(() => /stripe\s+checkout\.session\.completed\s+processed\s+conv_/.test(tailing.output()) && /paddle\s+transaction\.completed\s+processed\s+conv_/.test(tailing.output()),
      () => tailing.output());
    expect(tailing.output()).toMatch(/· .*click_id=clk_\w+ → click clk_\w+ → affiliate aff_\w+/);
    tailing.interrupt();
    await tailing.finished;

    // The import: drawn as a progress bar on the terminal, then the summary.
    expect(output).toMatch(/import \|[█░=-]*\| \d+% \d+\/10000 \| \d+\/s \| ETA \S+ \| created \d+ · duplicate 0 · failed 0/);
    const summary = /imported past-sales\.csv into \S+: 10000 of 10000 rows done; 10000 sent in ([\d.]+) s, (\d+)\/s/.exec(output);
    expect(summary, output.slice(-3_000)).not.toBeNull();
    expect(output).toMatch(/^ {2}created {4}10000\r?$/m);
    const listed = await callHub<{ pagination: { total: number } }>(hub.url, 'GET', `/api/v1/conversions?perPage=1&campaignId=${ids.CAMP}`, ids.KEY);
    expect(listed.body.pagination.total).toBe(10_000 + 2);
    // Recorded in docs/operating.md ("Import throughput").
    process.stdout.write(`README walkthrough: imported 10,000 conversions into a hub process in ${summary?.[1] ?? '?'} s, ${summary?.[2] ?? '?'}/s\n`);

    // The API reference: the document the README points to, served by the hub.
    const document = await (await fetch(`${hub.url}/openapi.json`)).json() as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/api/v1/conversions');
  }, 300_000);
});
