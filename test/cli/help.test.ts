/**
 * The CLI's surface (issue 15): `--help` on the program and on every command exits 0 with its usage,
 * options and the global `--hub`/`--key`; `--version` is the package's; an unknown command or option
 * is a usage error, exit 2 — the codes docs/cli.md documents (test/docs checks the table).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli-process.js';

const COMMANDS: [string[], RegExp][] = [
  [[], /^Usage: conversion-hub \[options\] \[command\]/],
  [['trigger'], /^Usage: conversion-hub trigger \[options\] \[provider\] \[event\]/],
  [['events'], /^Usage: conversion-hub events \[options\] \[command\]/],
  [['events', 'tail'], /^Usage: conversion-hub events tail \[options\]/],
  [['replay'], /^Usage: conversion-hub replay \[options\]/],
  [['import'], /^Usage: conversion-hub import \[options\] <file>/],
];

describe('conversion-hub --help, --version and usage errors', () => {
  it.each(COMMANDS)('%j --help exits 0 with its usage and the global options', async (command, usage) => {
    const run = await runCli([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(usage);
    // Help is wrapped to the terminal's width (80 columns without one): spaces may be line breaks.
    expect(run.stdout).toMatch(/--hub <url>\s+the hub’s base URL \(default:\s+"http:\/\/localhost:3000",\s+env:\s+HUB_URL\)/);
    expect(run.stdout).toMatch(/--key <key>/);
  });

  it('prints the package version', async () => {
    const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it('exits 2 for an unknown command, an unknown option and a bad option value', async () => {
    for (const args of [['launch'], ['trigger', '--colour'], ['replay', '--since', 'yesterday'], ['events', 'tail', '--provider', 'paypal']]) {
      const run = await runCli(args, { HUB_API_KEY: 'hub_rk_x' });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/error: /);
    }
  });
});
