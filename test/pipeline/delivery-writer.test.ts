/**
 * Group commit at ingest: deliveries stored together share one statement, twins become one row, and
 * a row the database refuses fails alone, never the deliveries that shared its statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewInboundEvent } from '../../src/db/tables/inbound-event.table.js';
import { DeliveryWriter } from '../../src/engine/ingest/delivery-writer.js';
import { newId } from '../../src/lib/ids.js';
import { statementCounter } from '../helpers/statement-counter.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

function delivery(providerEventId: string): NewInboundEvent {
  const now = new Date('2026-03-10T12:00:00.000Z');
  return {
    merchant_id: 'mer_writer', id: newId('ev'), connection_id: 'con_writer', provider: 'stripe', provider_event_id: providerEventId,
    event_type: 'payment_intent.succeeded', raw_body: Buffer.from(`{"id":"${providerEventId}"}`), headers: '{}', query: '{}',
    received_at: now, status: 'received', reason: null, error: null, next_attempt_at: now, trace: '[]', updated_at: now,
  };
}

describe('delivery writer', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  const storedIds = async (prefix: string) =>
    (await database.db.selectFrom('inbound_event').select(['id', 'provider_event_id']).where('provider_event_id', 'like', `${prefix}%`).orderBy('provider_event_id').execute());

  it('stores deliveries that arrive together with one statement, each answered with its own id', async () => {
    const counter = statementCounter();
    const writer = new DeliveryWriter(database.db.withPlugin(counter));
    const rows = Array.from({ length: 12 }, (_, index) => delivery(`evt_group_${String(index).padStart(2, '0')}`));
    const results = await Promise.all(rows.map((row) => writer.store(row)));
    expect(results).toEqual(rows.map((row) => ({ eventId: row.id, duplicate: false })));
    expect(counter.statements).toBe(1);
    expect((await storedIds('evt_group_')).map((row) => row.id)).toEqual(rows.map((row) => row.id));
  });

  it('splits what arrives together into groups of at most maxGroupSize', async () => {
    const counter = statementCounter();
    const writer = new DeliveryWriter(database.db.withPlugin(counter), { maxGroupSize: 4, maxInFlight: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => writer.store(delivery(`evt_split_${index}`))));
    expect(results.every((result) => !result.duplicate)).toBe(true);
    expect(counter.statements).toBe(3);
    expect(await storedIds('evt_split_')).toHaveLength(10);
  });

  it('makes twins in one group one row, and answers a re-delivery with the stored id', async () => {
    const writer = new DeliveryWriter(database.db);
    const twins = [delivery('evt_twin'), delivery('evt_twin'), delivery('evt_twin')];
    const results = await Promise.all(twins.map((row) => writer.store(row)));
    const firstId = twins[0]?.id;
    expect(results).toEqual([{ eventId: firstId, duplicate: false }, { eventId: firstId, duplicate: true }, { eventId: firstId, duplicate: true }]);
    expect(await writer.store(delivery('evt_twin'))).toEqual({ eventId: firstId, duplicate: true });
    expect(await storedIds('evt_twin')).toEqual([{ id: firstId, provider_event_id: 'evt_twin' }]);
  });

  it('fails only the row the database refuses; its neighbours in the statement are stored', async () => {
    const writer = new DeliveryWriter(database.db);
    // A status outside the table's check constraint: this row is refused, whichever backend.
    const refused: NewInboundEvent = { ...delivery('evt_mixed_bad'), status: 'no-such-status' as NewInboundEvent['status'] };
    const outcomes = await Promise.allSettled([delivery('evt_mixed_a'), refused, delivery('evt_mixed_c')].map((row) => writer.store(row)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await storedIds('evt_mixed_')).map((row) => row.provider_event_id)).toEqual(['evt_mixed_a', 'evt_mixed_c']);
  });
});
