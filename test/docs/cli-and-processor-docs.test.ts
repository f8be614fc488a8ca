/**
 * What docs/cli.md and the processor pages state about the code, checked against it: the exit code
 * table is the CLI's `EXIT`; every command the CLI has is documented, with a section of its own; and
 * every event a processor page says to subscribe to is one `trigger` can send (a fixture the adapter's
 * tests run), so the subscription lists cannot name an event the hub has never been shown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { createProgram } from '../../src/cli/program.js';
import { listCatalog } from '../../src/cli/trigger/fixture-catalog.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');
const read = (page: string) => readFileSync(join(DOCS, page), 'utf8');

describe('docs/cli.md', () => {
  it('lists exactly the exit codes the CLI uses', () => {
    const text = read('cli.md');
    const table = text.slice(text.indexOf('## Exit codes'), text.indexOf('## `trigger'));
    const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1])).sort((a, b) => a - b);
    expect(documented).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('has a section for every command, and every option of each appears in it', () => {
    const text = read('cli.md');
    const commands = createProgram().commands.flatMap((command) => (command.commands.length > 0 ? command.commands.map((sub) => ({ name: `${command.name()} ${sub.name()}`, command: sub })) : [{ name: command.name(), command }]));
    expect(commands.map((entry) => entry.name).sort()).toEqual(['events tail', 'import', 'replay', 'trigger']);
    for (const { name, command } of commands) {
      const start = text.indexOf(`## \`${name}`);
      expect(start, name).toBeGreaterThan(0);
      const section = text.slice(start, text.indexOf('\n## ', start + 1) === -1 ? undefined : text.indexOf('\n## ', start + 1));
      for (const option of command.options) expect(section, `${name}: ${option.long ?? ''}`).toContain(`\`${option.long ?? ''}`);
    }
  });
});

describe('the processor pages', () => {
  const catalog = listCatalog();
  it.each(['stripe', 'paddle', 'lemonsqueezy', 'woocommerce', 'gumroad', 'gopay'])('%s: every event to subscribe to is one trigger can send', (provider) => {
    const text = read(`processors/${provider}.md`);
    const start = text.indexOf('## Events to subscribe to');
    expect(start).toBeGreaterThan(0);
    const section = text.slice(start, text.indexOf('\n## ', start + 1));
    const events = [...section.matchAll(/^- `([^`]+)`/gm)].map((match) => match[1] ?? '');
    const known = new Set(catalog.filter((entry) => entry.provider === provider).map((entry) => entry.event));
    for (const event of events) expect(known, `${provider} ${event}`).toContain(event);
    if (provider === 'gopay') expect(section).toMatch(/notification_url/);
    else expect(events.length).toBeGreaterThan(1);
  });
});
