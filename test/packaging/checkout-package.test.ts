/**
 * The Checkout helper as a merchant's server gets it (issue 15): `packages/checkout` packed with
 * `npm pack` (which builds it), the tarball installed offline into an empty project, and the helper
 * called there by `import` and by `require`. The package has no dependencies, so nothing but the
 * tarball is needed; it is packed from a copy, so the two backends' runs never build in one folder.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPOSITORY = join(import.meta.dirname, '..', '..');
const PACKAGE = join(REPOSITORY, 'packages', 'checkout');
// npm runs the package's prepack (`tsc`) with this PATH: the repository's TypeScript.
const environment = { ...process.env, PATH: `${join(REPOSITORY, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' };

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: environment, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the Checkout helper package', () => {
  let workspace: string;
  let tarball: string;
  let merchantProject: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'hub-checkout-'));
    const copy = join(workspace, 'checkout');
    cpSync(PACKAGE, copy, { recursive: true, filter: (source) => !/[/\\](dist|node_modules)$/.test(source) });
    const packed = run('npm', ['pack', '--json', '--pack-destination', workspace], copy);
    const [summary] = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string }[];
    tarball = join(workspace, summary?.filename ?? '');
    merchantProject = join(workspace, 'merchant-server');
    cpSync(join(REPOSITORY, 'test', 'packaging', 'empty-project'), merchantProject, { recursive: true });
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], merchantProject);
  }, 120_000);
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it('packs into a tarball of the built code, its types and README, with no dependencies', () => {
    const files = run('tar', ['-tzf', tarball], workspace).trim().split('\n').sort();
    expect(files).toEqual([
      'package/README.md', 'package/dist/checkout-attribution.d.ts', 'package/dist/checkout-attribution.js',
      'package/dist/index.d.ts', 'package/dist/index.js', 'package/package.json',
    ]);
    const installed = JSON.parse(readFileSync(join(merchantProject, 'node_modules', '@conversion-hub', 'checkout', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(installed.dependencies).toBeUndefined();
    expect(readdirSync(join(merchantProject, 'node_modules'))).toEqual(['.package-lock.json', '@conversion-hub']);
  });

  it('is imported and called by a merchant’s ES module', () => {
    writeFileSync(join(merchantProject, 'checkout.mjs'), `
      import { checkoutAttribution } from '@conversion-hub/checkout';
      const params = checkoutAttribution({ visitorId: 'vis_2', clickId: 'clk_1', programId: 'camp_3' }, { mode: 'payment' });
      process.stdout.write(JSON.stringify(params));`);
    expect(JSON.parse(run(process.execPath, ['checkout.mjs'], merchantProject))).toEqual({
      client_reference_id: 'clk_1',
      metadata: { visitor_id: 'vis_2', click_id: 'clk_1', program_id: 'camp_3' },
      payment_intent_data: { metadata: { visitor_id: 'vis_2', click_id: 'clk_1', program_id: 'camp_3' } },
    });
  });

  it('is required and called by a merchant’s CommonJS server', () => {
    writeFileSync(join(merchantProject, 'checkout.cjs'), `
      const { checkoutAttribution } = require('@conversion-hub/checkout');
      process.stdout.write(JSON.stringify(checkoutAttribution({ clickId: 'clk_1', visitorId: '<not an id>' }, { mode: 'subscription' })));`);
    expect(JSON.parse(run(process.execPath, ['checkout.cjs'], merchantProject))).toEqual({
      client_reference_id: 'clk_1', metadata: { click_id: 'clk_1' }, subscription_data: { metadata: { click_id: 'clk_1' } },
    });
  });

  it('ships types a TypeScript project type-checks against', () => {
    writeFileSync(join(merchantProject, 'checkout.mts'), `
      import { checkoutAttribution, type CheckoutAttributionParams } from '@conversion-hub/checkout';
      const params: CheckoutAttributionParams = checkoutAttribution({ clickId: 'clk_1' }, { mode: 'payment' });
      export const clientReference: string | undefined = params.client_reference_id;`);
    run(join(REPOSITORY, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'checkout.mts'], merchantProject);
  });
});
