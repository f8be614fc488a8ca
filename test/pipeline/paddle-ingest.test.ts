/**
 * Paddle deliveries at the door (SPEC §6): `Paddle-Signature` checked over the exact bytes with
 * every `h1` against every secret, within the connection's tolerance both ways; a refused delivery
 * is a 400 that stores nothing; an authentic body the hub cannot read is kept, failed and replayable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import {
  PADDLE_SECRET,
  attributedPaddleFixture,
  paddleFixture,
  paddleH1,
  sendPaddleEvent,
  setUpPaddleMerchant,
  type PaddleMerchant,
} from '../helpers/paddle.js';
import { conversionsOf } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('Paddle webhook ingest', () => {
  let hub: TestHub;
  let merchant: PaddleMerchant;
  const now = () => Math.floor(hub.clock.now().getTime() / 1000);
  const post = (connectionId: string, body: string, header?: string) => {
    const request = hub.http.post(`/webhooks/paddle/${connectionId}`).set('Content-Type', 'application/json');
    return (header === undefined ? request : request.set('Paddle-Signature', header)).send(body);
  };

  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    merchant = await setUpPaddleMerchant(hub);
  });
  afterAll(async () => hub.close());

  it.each([
    ['a wrong secret', { secrets: ['pdl_ntfset_wrong_0000000000000000'] }, /does not match/],
    ['a signature 6 s old (Paddle allows 5)', { timestampOffset: -6 }, /older than the 5 s tolerance/],
    ['a signature 6 s in the future', { timestampOffset: 6 }, /in the future/],
  ])('refuses %s with 400 invalid_signature and stores nothing', async (_label, options: { secrets?: string[]; timestampOffset?: number }, message) => {
    const before = await snapshotDatabase(hub.services.db);
    const response = await sendPaddleEvent(hub, merchant.connectionId, paddleFixture('transaction.completed.1'),
      { ...(options.secrets ? { secrets: options.secrets } : {}), timestamp: now() + (options.timestampOffset ?? 0) }).expect(400);
    expect(response.body.error).toEqual({ code: 'invalid_signature', message: expect.stringMatching(message) });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('refuses a tampered body, a re-serialised body and a missing header', async () => {
    const before = await snapshotDatabase(hub.services.db);
    const body = JSON.stringify(paddleFixture('transaction.completed.1'));
    const header = `ts=${now()};h1=${paddleH1(body, now(), PADDLE_SECRET)}`;
    expect((await post(merchant.connectionId, body.replace('"4905"', '"4906"'), header).expect(400)).body.error.code).toBe('invalid_signature');
    expect((await post(merchant.connectionId, JSON.stringify(JSON.parse(body), null, 2), header).expect(400)).body.error.code).toBe('invalid_signature');
    expect((await post(merchant.connectionId, body).expect(400)).body.error).toEqual({ code: 'invalid_signature', message: 'missing Paddle-Signature header' });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    // The untouched body under the same header is accepted: the refusals above were about the bytes.
    await post(merchant.connectionId, body, header).expect(200);
  });

  it('accepts a header with several h1 values when only one matches, in any position', async () => {
    const own = await setUpPaddleMerchant(hub);
    const body = JSON.stringify(attributedPaddleFixture('transaction.completed.4', own));
    const ts = now();
    const header = `ts=${ts};h1=${paddleH1(body, ts, 'pdl_ntfset_retired')};h1=${paddleH1(body, ts, PADDLE_SECRET)};h1=${paddleH1(body, ts, 'pdl_ntfset_other')}`;
    expect((await post(own.connectionId, body, header).expect(200)).body).toEqual({ received: true, eventId: expect.stringMatching(/^ev_/) });
  });

  it('accepts deliveries signed with either secret while the merchant rotates them', async () => {
    const own = await setUpPaddleMerchant(hub, {}, { secrets: ['pdl_ntfset_previous_secret_000000', PADDLE_SECRET] });
    await sendPaddleEvent(hub, own.connectionId, paddleFixture('transaction.completed.4'), { secrets: ['pdl_ntfset_previous_secret_000000'] }).expect(200);
    await sendPaddleEvent(hub, own.connectionId, paddleFixture('transaction.completed.1')).expect(200);
    // Once the old secret is removed, its signatures no longer verify.
    await own.api.patch(`/api/v1/connections/${own.connectionId}`, { secrets: [PADDLE_SECRET] }).expect(200);
    await sendPaddleEvent(hub, own.connectionId, paddleFixture('transaction.completed.2'), { secrets: ['pdl_ntfset_previous_secret_000000'] }).expect(400);
  });

  it('honours a connection’s toleranceSeconds', async () => {
    const relaxed = await setUpPaddleMerchant(hub, {}, { options: { toleranceSeconds: 60 } });
    const connection = await relaxed.api.get(`/api/v1/connections/${relaxed.connectionId}`).expect(200);
    expect(connection.body.data).toMatchObject({ provider: 'paddle', webhookUrl: expect.stringContaining(`/webhooks/paddle/${relaxed.connectionId}`) });
    await sendPaddleEvent(hub, relaxed.connectionId, paddleFixture('transaction.completed.1'), { timestamp: now() - 60 }).expect(200);
    const late = await sendPaddleEvent(hub, relaxed.connectionId, paddleFixture('transaction.completed.4'), { timestamp: now() - 61 }).expect(400);
    expect(late.body.error.message).toMatch(/older than the 60 s tolerance/);
  });

  it('validates connection settings: secrets are required, toleranceSeconds is bounded', async () => {
    const base = { provider: 'paddle', campaignId: merchant.campaignId };
    const noSecret = await merchant.api.post('/api/v1/connections', base).expect(400);
    expect(noSecret.body.error.details).toEqual([{ field: 'secrets', message: 'required for paddle' }]);
    const badTolerance = await merchant.api.post('/api/v1/connections', { ...base, secrets: [PADDLE_SECRET], options: { toleranceSeconds: 3600 } }).expect(400);
    expect(badTolerance.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'options.toleranceSeconds', message: 'must be at most 300 seconds' }] });
    const unknown = await merchant.api.post('/api/v1/connections', { ...base, secrets: [PADDLE_SECRET], options: { tolerance: 5 } }).expect(400);
    expect(unknown.body.error.details).toEqual([{ field: 'options.tolerance', message: 'unknown option' }]);
    // Any non-empty secret is taken: Paddle's are pdl_ntfset_…, but the hub does not insist.
    await merchant.api.post('/api/v1/connections', { ...base, secrets: ['any-destination-secret'] }).expect(201);
  });

  it('keeps secrets out of every answer and out of the database in clear', async () => {
    const connection = await merchant.api.get(`/api/v1/connections/${merchant.connectionId}`).expect(200);
    expect(JSON.stringify(connection.body)).not.toContain('pdl_ntfset_');
    const rows = await hub.services.db.selectFrom('connection').selectAll().where('id', '=', merchant.connectionId).execute();
    expect(JSON.stringify(rows)).not.toContain(PADDLE_SECRET);
  });

  it('stores an authentic body it cannot read as failed, answers 200 once, and keeps it replayable', async () => {
    const own = await setUpPaddleMerchant(hub);
    const body = '{"event_type": "transaction.completed", "data": {"id": "txn_x"}}';
    const first = await post(own.connectionId, body, `ts=${now()};h1=${paddleH1(body, now(), PADDLE_SECRET)}`).expect(200);
    // Paddle retries it with a fresh signature: still one stored event.
    hub.clock.advance(2000);
    const retry = await post(own.connectionId, body, `ts=${now()};h1=${paddleH1(body, now(), PADDLE_SECRET)}`).expect(200);
    expect(retry.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    const event = await own.api.get(`/api/v1/events/${first.body.eventId}`).expect(200);
    expect(event.body.data).toMatchObject({ status: 'failed', type: 'unknown', payload: { event_type: 'transaction.completed' } });
    expect(event.body.data.error).toMatch(/not a Paddle event: event_id/);
    const replay = await own.api.post(`/api/v1/events/${first.body.eventId}/replay`).expect(200);
    expect(replay.body.data).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a Paddle event/) });
    expect(await conversionsOf(own)).toEqual([]);
  });

  it('fails, visibly and replayably, an event whose amounts it cannot count exactly', async () => {
    const own = await setUpPaddleMerchant(hub);
    const event = attributedPaddleFixture('transaction.completed.1', own);
    (event.data.details as { totals: Record<string, unknown> }).totals.total = '49.05';
    const response = await sendPaddleEvent(hub, own.connectionId, event).expect(200);
    await hub.services.processor.drain();
    const stored = await own.api.get(`/api/v1/events/${response.body.eventId}`).expect(200);
    expect(stored.body.data).toMatchObject({ status: 'failed', error: expect.stringContaining('data.details.totals.total: "49.05" is not an integer amount in minor units') });
    expect(await conversionsOf(own)).toEqual([]);
  });
});
