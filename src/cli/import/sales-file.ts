/**
 * @module The sales an `import` reads: a CSV with a header row (parsed by csv-parse) or JSON Lines,
 * each record the body of `POST /api/v1/conversions` — `orderId`, `amount`, `currency`,
 * `campaignId`, `affiliateId`, `clickId`, `visitorId`, `customerEmail`, `eventType`, `metadata`
 * (JSON text in a CSV). snake_case headers (`order_id`, …) are accepted too, as exports write them;
 * empty cells are left out; `--campaign` / `--affiliate` fill rows that name none.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { usageError } from '../exit-codes.js';

export type SalesFormat = 'csv' | 'jsonl';

/** One record: its body for the API, or why it cannot be sent. */
export type SaleRecord = { row: number; body: Record<string, unknown>; problem?: undefined } | { row: number; body?: undefined; problem: string };

const FIELDS = ['orderId', 'amount', 'currency', 'campaignId', 'affiliateId', 'clickId', 'visitorId', 'customerEmail', 'eventType', 'metadata'] as const;
const FIELD_BY_NAME = new Map<string, string>(FIELDS.flatMap((field) => [[field, field], [field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), field]]));

export function salesFormatOf(file: string): SalesFormat {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  throw usageError(`${file}: import reads .csv or .jsonl (JSON Lines) files`);
}

export interface SaleDefaults {
  campaignId?: string | undefined;
  affiliateId?: string | undefined;
}

function toBody(record: Record<string, unknown>, row: number, defaults: SaleDefaults, format: SalesFormat): SaleRecord {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    const field = FIELD_BY_NAME.get(name);
    if (!field) return { row, problem: `unknown field "${name}" (known: ${FIELDS.join(', ')})` };
    if (value === '' || value === null || value === undefined) continue;
    if (field === 'metadata' && format === 'csv') {
      try {
        body.metadata = JSON.parse(typeof value === 'string' ? value : JSON.stringify(value));
      } catch {
        return { row, problem: 'metadata is not valid JSON' };
      }
    } else {
      body[field] = value;
    }
  }
  if (body.campaignId === undefined && defaults.campaignId) body.campaignId = defaults.campaignId;
  if (body.affiliateId === undefined && body.clickId === undefined && body.visitorId === undefined && defaults.affiliateId) body.affiliateId = defaults.affiliateId;
  return { row, body };
}

async function* csvRecords(file: string): AsyncGenerator<Record<string, unknown>> {
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, trim: true, skip_empty_lines: true }));
  for await (const record of parser) yield record as Record<string, unknown>;
}

async function* jsonLines(file: string): AsyncGenerator<unknown> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch {
      yield undefined;
    }
  }
}

/** The file's records, numbered from 1 in file order. */
export async function* readSales(file: string, format: SalesFormat, defaults: SaleDefaults): AsyncGenerator<SaleRecord> {
  let row = 0;
  if (format === 'csv') {
    for await (const record of csvRecords(file)) yield toBody(record, ++row, defaults, format);
    return;
  }
  for await (const value of jsonLines(file)) {
    row += 1;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { row, problem: 'not a JSON object' };
    else yield toBody(value as Record<string, unknown>, row, defaults, format);
  }
}

/**
 * How many records the file holds (a first, fast pass, for the progress bar's total and ETA). A CSV
 * column the API does not know is a usage error here, before anything is sent: every row has it.
 */
export async function countSales(file: string, format: SalesFormat): Promise<number> {
  let count = 0;
  try {
    for await (const record of format === 'csv' ? csvRecords(file) : jsonLines(file)) {
      if (count === 0 && format === 'csv') {
        const unknown = Object.keys(record as Record<string, unknown>).filter((name) => !FIELD_BY_NAME.has(name));
        if (unknown.length > 0) throw usageError(`${file}: unknown column(s) ${unknown.join(', ')}; the columns are ${FIELDS.join(', ')} (or their snake_case names)`);
      }
      count += 1;
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) throw usageError(`${file} is not valid CSV: ${error.message}`);
    throw error;
  }
  return count;
}
