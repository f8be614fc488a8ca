/**
 * Webhook ingest (SPEC §6): 200 only after the delivery is stored, re-deliveries answer with the
 * original event id, bad signatures store nothing, and the database being down is a 503.
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPayload } from '../../src/engine/ingest/stored-payload.js';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { attributedStripeFixture, sendStripeEvent, setUpStripeMerchant, signStripe, stripeFixture, type StripeMerchant } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('webhook ingest', () => {
  let hub: TestHub;
  let merchant: StripeMerchant;
  beforeAll(async () => {
    hub = await createTestHub();
    merchant = await setUpStripeMerchant(hub);
  });
  afterAll(async () => hub.close());

  it('answers 200 with the event id once stored, and the original id with duplicate: true on re-delivery', async () => {
    const event = attributedStripeFixture('checkout.session.completed.1', merchant);
    const first = await sendStripeEvent(hub, merchant.connectionId, event).expect(200);
    expect(first.body).toEqual({ received: true, eventId: expect.stringMatching(/^ev_/) });
    const again = await sendStripeEvent(hub, merchant.connectionId, event).expect(200);
    expect(again.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    const rows = await hub.services.db.selectFrom('inbound_event').select(['id', 'provider_event_id']).where('provider_event_id', '=', event.id).execute();
    expect(rows).toEqual([{ id: first.body.eventId, provider_event_id: event.id }]);
  });

  it('stores twenty concurrent identical deliveries once and records one conversion', async () => {
    const own = await setUpStripeMerchant(hub);
    const event = attributedStripeFixture('checkout.session.completed.1', own);
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendStripeEvent(hub, own.connectionId, event)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    const eventIds = new Set(responses.map((response) => response.body.eventId as string));
    expect(eventIds.size).toBe(1);
    expect(responses.filter((response) => response.body.duplicate !== true)).toHaveLength(1);
    await hub.services.processor.drain();
    const conversions = await own.api.get('/api/v1/conversions').expect(200);
    expect(conversions.body.pagination.total).toBe(1);
    expect(conversions.body.data[0]).toMatchObject({ source: 'stripe', orderId: 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5', amount: 49.5 });
  });

  it.each([
    ['a wrong secret', { secret: 'whsec_wrong_secret_0000000000000000' }],
    ['a stale timestamp', { timestampOffset: -301 }],
    ['a future timestamp', { timestampOffset: 3600 }],
  ])('refuses %s with 400 invalid_signature and stores nothing', async (_label, options: { secret?: string; timestampOffset?: number }) => {
    const before = await snapshotDatabase(hub.services.db);
    const now = Math.floor(hub.clock.now().getTime() / 1000);
    const response = await sendStripeEvent(hub, merchant.connectionId, stripeFixture('payment_intent.succeeded.1'),
      { ...(options.secret ? { secret: options.secret } : {}), timestamp: now + (options.timestampOffset ?? 0) }).expect(400);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(response.body.error.message).toMatch(/Stripe/);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('refuses a tampered body and a missing header', async () => {
    const body = JSON.stringify(stripeFixture('payment_intent.succeeded.1'));
    const header = signStripe(body, { timestamp: Math.floor(hub.clock.now().getTime() / 1000) });
    const tampered = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('Stripe-Signature', header).send(body.replace('4950', '4951')).expect(400);
    expect(tampered.body.error.code).toBe('invalid_signature');
    const missing = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json').send(body).expect(400);
    expect(missing.body.error).toEqual({ code: 'invalid_signature', message: 'missing Stripe-Signature header' });
  });

  it('answers 404 for an unknown connection, a provider mismatch, an unknown provider and a deleted connection', async () => {
    const event = stripeFixture('payment_intent.succeeded.1');
    expect((await sendStripeEvent(hub, 'con_doesnotexist', event).expect(404)).body.error.code).toBe('not_found');
    await hub.http.post(`/webhooks/paypal/${merchant.connectionId}`).send('{}').expect(404);
    const own = await setUpStripeMerchant(hub);
    await own.api.delete(`/api/v1/connections/${own.connectionId}`).expect(204);
    expect((await sendStripeEvent(hub, own.connectionId, event).expect(404)).body.error.code).toBe('not_found');
    await hub.http.get(`/webhooks/stripe/${merchant.connectionId}`).expect(404);
  });

  it('answers 413 over 1 MiB', async () => {
    const event = stripeFixture('payment_intent.succeeded.1');
    event.data.object.description = 'x'.repeat(1024 * 1024);
    expect((await sendStripeEvent(hub, merchant.connectionId, event).expect(413)).body.error.code).toBe('payload_too_large');
  });

  it('refuses a declared length over 1 MiB at once, without waiting for the body, and closes the connection', async () => {
    const response = await new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const outgoing = httpRequest(`${hub.url}/webhooks/stripe/${merchant.connectionId}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) },
      }, (incoming) => {
        let body = '';
        incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body, connection: incoming.headers.connection }));
      });
      outgoing.on('error', reject);
      outgoing.write('{"id": "evt_never_finished"'); // the other 2 MiB never come
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'payload_too_large', message: 'request body is larger than 1 MiB' } });
    expect(response.connection).toBe('close');
  });

  it('accepts a compressed delivery, checking the signature over the plain body, and refuses an unknown encoding', async () => {
    const event = { ...attributedStripeFixture('payment_intent.succeeded.1', merchant), id: 'evt_gzipped' };
    const body = JSON.stringify(event);
    const signature = signStripe(body, { timestamp: Math.floor(hub.clock.now().getTime() / 1000) });
    // supertest would JSON-encode a Buffer body, so the compressed bytes go out through fetch.
    const response = await fetch(`${hub.url}/webhooks/stripe/${merchant.connectionId}/`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Stripe-Signature': signature }, body: gzipSync(body),
    });
    expect(response.status).toBe(200);
    const stored = { body: (await response.json()) as { eventId: string } };
    const row = await hub.services.db.selectFrom('inbound_event').selectAll().where('provider_event_id', '=', 'evt_gzipped').executeTakeFirstOrThrow();
    expect(row.id).toBe(stored.body.eventId);
    // Stored sealed (issue 11.5); what opens is the plain body the signature was checked over.
    expect(openPayload(hub.services.keys.payloads, row).toString('utf8')).toBe(body);

    const refused = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('Content-Encoding', 'zstd').set('Stripe-Signature', signature).send(body).expect(415);
    expect(refused.body.error.code).toBe('unsupported_media_type');
    const corrupt = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip').set('Stripe-Signature', signature).send(body).expect(400);
    expect(corrupt.body.error.code).toBe('invalid_request');
  });

  it('counts deliveries by provider, with every unknown provider under one label', async () => {
    await hub.http.post('/webhooks/made-up-processor-42/con_x').send('{}').expect(404);
    const metrics = (await hub.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/hub_webhook_deliveries_total\{provider="unknown",outcome="not_found"\} [1-9]/);
    expect(metrics).toMatch(/hub_webhook_deliveries_total\{provider="stripe",outcome="stored"\} [1-9]/);
    expect(metrics).toMatch(/hub_http_requests_total\{method="POST",route="\/webhooks\/:provider\/:connectionId",status="200"\} [1-9]/);
    expect(metrics).not.toContain('made-up-processor-42');
  });

  it('stores an authentic body it cannot understand as failed, answers 200, and keeps it replayable', async () => {
    const body = '{"object": "event", "surprise": true}';
    const response = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('Stripe-Signature', signStripe(body, { timestamp: Math.floor(hub.clock.now().getTime() / 1000) })).send(body).expect(200);
    const event = await merchant.api.get(`/api/v1/events/${response.body.eventId}`).expect(200);
    expect(event.body.data).toMatchObject({ status: 'failed', payload: { object: 'event', surprise: true } });
    expect(event.body.data.error).toMatch(/not a Stripe event/);
  });

  it('answers 503, never 200, when the database cannot take the write', async () => {
    const doomed = await createTestHub({ processInBackground: false });
    const own = await setUpStripeMerchant(doomed);
    const event = attributedStripeFixture('payment_intent.succeeded.1', own);
    await sendStripeEvent(doomed, own.connectionId, { ...event, id: 'evt_warm_cache' }).expect(200);
    await doomed.database.close();
    const response = await sendStripeEvent(doomed, own.connectionId, event);
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('unavailable');
    await doomed.close().catch(() => undefined);
  });

  it('never stores credentials that came with a delivery', async () => {
    const event = { ...stripeFixture('customer.subscription.deleted.1'), id: 'evt_with_cookie' };
    const body = JSON.stringify(event);
    await hub.http.post(`/webhooks/stripe/${merchant.connectionId}?token=abc&keep=1`).set('Content-Type', 'application/json').set('Cookie', 'session=secret')
      .set('Authorization', 'Bearer secret').set('Stripe-Signature', signStripe(body, { timestamp: Math.floor(hub.clock.now().getTime() / 1000) })).send(body).expect(200);
    const row = await hub.services.db.selectFrom('inbound_event').select(['headers', 'query']).where('provider_event_id', '=', 'evt_with_cookie').executeTakeFirstOrThrow();
    expect(row.query).toEqual({ keep: '1' });
    expect(Object.keys(row.headers)).not.toEqual(expect.arrayContaining(['cookie']));
    expect(Object.keys(row.headers)).not.toContain('authorization');
  });

  it('keeps provider secrets sealed in the database and never returns them', async () => {
    const connection = await merchant.api.get(`/api/v1/connections/${merchant.connectionId}`).expect(200);
    expect(JSON.stringify(connection.body)).not.toContain('whsec_');
    const dump = JSON.stringify((await sql`select * from connection`.execute(hub.services.db)).rows);
    expect(dump).not.toContain('whsec_test_0123456789');
  });
});
