/** Files of past sales for `conversion-hub import`, written where a test can find them and throw them away. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function salesDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'hub-import-'));
}

/** `count` sales of one affiliate, `orderId` prefixed so that each file's orders are its own. */
export function writeSalesCsv(directory: string, name: string, count: number, options: { affiliateId: string; prefix: string }): string {
  const rows = ['orderId,amount,currency,affiliateId,eventType'];
  for (let index = 0; index < count; index += 1) rows.push(`${options.prefix}-${index},${(index % 500) + 1}.${String(index % 100).padStart(2, '0')},USD,${options.affiliateId},sale`);
  const file = join(directory, name);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

export function writeSalesJsonl(directory: string, name: string, count: number, options: { affiliateId: string; campaignId: string; prefix: string }): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    lines.push(JSON.stringify({ orderId: `${options.prefix}-${index}`, amount: (index % 90) + 10, campaignId: options.campaignId, affiliateId: options.affiliateId, metadata: { line: index } }));
  }
  const file = join(directory, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
