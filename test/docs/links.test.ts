/**
 * The repository's documents stay whole (issue 15): every relative link in README.md, docs/ and the
 * Checkout package's README leads to a file (and heading) that exists in the repository, and none
 * leaves it for something the repository should hold — the shared folder's SPEC.md above all.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPOSITORY = resolve(import.meta.dirname, '..', '..');

function markdownFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

const DOCUMENTS = [join(REPOSITORY, 'README.md'), join(REPOSITORY, 'packages', 'checkout', 'README.md'), ...markdownFiles(join(REPOSITORY, 'docs'))];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
}

/** Markdown links `[text](target)` outside code blocks and code spans. */
function linksIn(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
}

describe('links in the documentation', () => {
  it('has the documents it should', () => {
    for (const page of ['contract.md', 'api-reference.md', 'cli.md', 'operating.md', 'concepts/attribution.md', 'concepts/ledger.md',
      'concepts/event-log-and-replay.md', 'concepts/outbound-webhooks.md', 'processors/stripe.md', 'processors/paddle.md',
      'processors/lemonsqueezy.md', 'processors/woocommerce.md', 'processors/gumroad.md', 'processors/gopay.md', 'processors/testing-locally.md']) {
      expect(existsSync(join(REPOSITORY, 'docs', page)), page).toBe(true);
    }
  });

  it.each(DOCUMENTS.map((file) => [relative(REPOSITORY, file), file]))('%s: every relative link resolves inside the repository', (_name, file) => {
    for (const link of linksIn(file)) {
      if (/^(https?:|mailto:)/.test(link)) continue;
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? file : resolve(dirname(file), path);
      expect(relative(REPOSITORY, target).startsWith('..'), `${link} leaves the repository`).toBe(false);
      expect(existsSync(target), `${link} does not exist`).toBe(true);
      if (anchor && target.endsWith('.md')) expect(anchorsIn(target).has(anchor), `${link}: no heading #${anchor} in ${relative(REPOSITORY, target)}`).toBe(true);
    }
  });

  it('sends nobody to the shared folder or its SPEC.md', () => {
    for (const file of DOCUMENTS) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(REPOSITORY, file)).not.toMatch(/\.\.\/shared|shared\/SPEC\.md|research\/providers\.md/);
    }
  });
});
