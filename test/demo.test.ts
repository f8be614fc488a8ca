/** `npm run demo` as a newcomer runs it: every processor's purchase and refund end in a conversion. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_BACKEND } from './helpers/test-database.js';

function runDemo(environment: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts'], { env: { PATH: process.env.PATH ?? '', ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe(`npm run demo (${TEST_BACKEND === 'postgres' ? 'on DATABASE_URL' : 'in memory'})`, () => {
  it('shows one purchase and one refund per processor as conversions with pro-rata commissions', async () => {
    const database = TEST_BACKEND === 'postgres' ? await createTestDatabase() : null;
    await database?.db.destroy();
    try {
      const { code, output } = await runDemo(database?.url ? { DATABASE_URL: database.url } : {});
      expect(code, output).toBe(0);
      expect(output).toContain(TEST_BACKEND === 'postgres' ? 'PostgreSQL at postgres://' : 'embedded PostgreSQL (PGlite) in memory');
      const rows = output.split('\n').filter((line) => /^(stripe|paddle|lemonsqueezy|woocommerce|gumroad|gopay)\s+\S+\s+[\d.]+ [A-Z]{3}/.test(line));
      const byProvider = Object.fromEntries(rows.map((line) => [line.split(/\s+/)[0], line]));
      // Commission after each refund, worked out from the fixtures: 20 % of net, cut pro rata by the refund.
      expect(byProvider.stripe).toMatch(/49\.50 USD\s+10\.00 USD\s+7\.18 USD\s+pending$/);
      expect(byProvider.paddle).toMatch(/49\.05 USD\s+10\.00 USD\s+7\.17 USD\s+pending$/);
      // Each processor's own order id, as its dashboard shows it (Lemon Squeezy's unchanged: SPEC §7).
      expect(byProvider.lemonsqueezy).toMatch(/^lemonsqueezy\s+5218764\s+52\.48 USD\s+10\.00 USD\s+7\.14 USD\s+pending$/);
      expect(byProvider.woocommerce).toMatch(/29\.35 USD\s+10\.00 USD\s+2\.37 USD\s+pending$/);
      expect(byProvider.gumroad).toMatch(/49\.00 USD\s+10\.00 USD\s+7\.80 USD\s+pending$/);
      expect(byProvider.gopay).toMatch(/1399\.50 CZK\s+300\.00 CZK\s+219\.90 CZK\s+pending$/);
      expect(output).toMatch(/webhook deliveries stored and processed: \d+ processed$/m);
    } finally {
      await database?.close();
    }
  });
});
