/**
 * The benchmark's baseline: the least a correct Stripe webhook receiver can do. Plain node:http,
 * the same signature check as the hub (the stripe package, 300 s tolerance), one
 * INSERT … ON CONFLICT DO NOTHING, a 200 after the commit. No framework, no routing, no processing.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import Stripe from 'stripe';

const url = process.env.BASELINE_DATABASE_URL ?? '';
const secret = process.env.BASELINE_SECRET ?? '';
const pool = new pg.Pool({ connectionString: url, max: 20 });
const signature = Stripe.webhooks.signature;
if (!signature) throw new Error('the stripe package offers no signature verifier');

await pool.query('create table if not exists baseline_event (provider_event_id text primary key, raw_body bytea not null, received_at timestamptz not null)');

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    try {
      signature.verifyHeader(body, String(request.headers['stripe-signature'] ?? ''), secret, 300);
      const event = JSON.parse(body.toString('utf8')) as { id: string };
      pool.query('insert into baseline_event (provider_event_id, raw_body, received_at) values ($1, $2, now()) on conflict do nothing', [event.id, body])
        .then(() => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"received":true}');
        }, () => {
          response.writeHead(503);
          response.end();
        });
    } catch {
      response.writeHead(400);
      response.end();
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`baseline listening on ${typeof address === 'object' && address ? address.port : 0}\n`);
});
