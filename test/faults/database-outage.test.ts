/**
 * Issue 10, fault suite: PostgreSQL going away under load, through a TCP proxy between the hub and
 * the server (PostgreSQL only: the embedded database has no connection to lose). Stripe-like
 * deliveries (retried until 200) and API reads run throughout while the proxy (a) resets every
 * connection, then (b) black-holes them for 10 s and (c) restores them. The hub must stay up, never
 * answer 2xx for a delivery it did not commit (checked in PostgreSQL directly, not through the
 * proxy), answer 503 with Retry-After while the database is unreachable (and `/healthz` 503), serve
 * deliveries again within 5 s of the restore, and lose nothing it acknowledged.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { STRIPE_SECRET } from '../helpers/stripe.js';
import { TEST_BACKEND } from '../helpers/test-database.js';
import { createFaultConnection, createFaultMerchant, sleep } from './support/hub-api.js';
import { createHubStorage, hubEnvironment } from './support/hub-environment.js';
import { HubRunner } from './support/hub-runner.js';
import { startProbes, type ProbeRecord } from './support/outage-probes.js';
import { sendStripeLoad, type LoadResult } from './support/stripe-load.js';
import { expectHubSurvived, markSurvival } from './support/survival.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const BLACKHOLE_MS = 10_000;
const RECOVERY_BOUND_MS = 5_000;
/** Longer than the cut: a request held for the whole cut still counts as answered, not as a hang. */
const CLIENT_TIMEOUT_MS = 12_000;
const SETTLE_BOUND_MS = 30_000;
/** A health answer cached for a moment is fine; one given seconds into the cut is not. */
const HEALTH_GRACE_MS = 2_000;

function describeRecord(record: ProbeRecord, origin: number): string {
  return `${record.kind} sent +${record.sentAt - origin} ms, answered +${record.answeredAt - origin} ms: ${record.status}${record.retryAfter ? ` (Retry-After ${record.retryAfter})` : ''}`;
}

/** The first answer matching `accept` to a request of `kind` sent at or after `from`; null if none. */
function firstAnswer(records: readonly ProbeRecord[], kind: ProbeRecord['kind'], from: number, accept: (record: ProbeRecord) => boolean): ProbeRecord | null {
  return records.filter((record) => record.kind === kind && record.sentAt >= from && accept(record)).sort((a, b) => a.answeredAt - b.answeredAt)[0] ?? null;
}

/** Everything `socket` receives within `milliseconds`, as text. */
async function received(socket: Socket, milliseconds: number): Promise<string> {
  let text = '';
  const collect = (chunk: Buffer) => (text += chunk.toString('utf8'));
  socket.on('data', collect);
  await sleep(milliseconds);
  socket.off('data', collect);
  return text;
}

// The harness itself, on both backends (it needs no database): an outage test that passes must mean
// the proxy really cut the hub off, held everything back, and let it through again.
describe('the TCP proxy of the outage test', () => {
  it('forwards, black-holes existing and new connections, restores what it held back, and resets', async () => {
    const echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    }).listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const echoPort = (echo.address() as { port: number }).port;
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort });
    const errors = new Map<Socket, string[]>();
    const open = async () => {
      const socket = connect(proxy.port, '127.0.0.1');
      errors.set(socket, []);
      socket.on('error', (error: NodeJS.ErrnoException) => errors.get(socket)?.push(error.code ?? 'error'));
      await once(socket, 'connect');
      return socket;
    };
    const sockets: Socket[] = [];
    try {
      const first = await open();
      sockets.push(first);
      first.write('forwarded');
      expect(await received(first, 200)).toBe('forwarded');
      proxy.blackhole();
      first.write('held');
      const second = await open();
      sockets.push(second);
      second.write('held too');
      expect([await received(first, 300), await received(second, 0)]).toEqual(['', '']);
      const firstLater = received(first, 300);
      const secondLater = received(second, 300);
      proxy.restore();
      expect([await firstLater, await secondLater]).toEqual(['held', 'held too']);
      // Not events.once: it rejects on the 'error' that comes first.
      const closed = Promise.all([first, second].map((socket) => new Promise((resolve) => socket.on('close', resolve))));
      proxy.resetAll();
      await closed;
      expect([errors.get(first), errors.get(second)]).toEqual([['ECONNRESET'], ['ECONNRESET']]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await proxy.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });
});

if (TEST_BACKEND === 'postgres') {
  describe('a database outage through a TCP proxy, under load', () => {
    it('survives a reset and a 10 s black hole: 503 while cut off, nothing acknowledged uncommitted or lost, 200 again within 5 s', async () => {
      const storage = await createHubStorage();
      const database = storage.database;
      if (!database?.url) throw new Error('the postgres project has no test database');
      const real = new URL(database.url);
      let proxy: TcpProxy | null = null;
      let runner: HubRunner | null = null;
      let done = false;
      let load: Promise<LoadResult> | null = null;
      let probes: { stop(): Promise<void> } | null = null;
      try {
        proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
        const throughProxy = new URL(database.url);
        throughProxy.hostname = '127.0.0.1';
        throughProxy.port = String(proxy.port);
        const hub = new HubRunner(hubEnvironment(storage, { DATABASE_URL: throughProxy.toString() }));
        runner = hub;
        await hub.start();
        const mark = markSurvival(hub);
        const merchant = await createFaultMerchant(hub.url);
        const connection = await createFaultConnection(hub.url, merchant, { provider: 'stripe', secrets: [STRIPE_SECRET] });

        const records: ProbeRecord[] = [];
        const origin = Date.now();
        probes = startProbes({ baseUrl: () => hub.url, readKey: merchant.readKey, timeoutMs: CLIENT_TIMEOUT_MS, records });
        load = sendStripeLoad({
          merchant, connectionId: connection.id, tag: `outage${origin}`, count: 100_000, concurrency: 8, baseUrl: () => hub.url,
          retryDelayMs: 100, deadline: origin + 120_000, timeoutMs: CLIENT_TIMEOUT_MS, shouldStop: () => done,
          onAttempt: (attempt) => records.push({ kind: 'delivery', sentAt: attempt.sentAt, answeredAt: attempt.answeredAt, status: attempt.status, retryAfter: attempt.retryAfter }),
        });
        /** The records answered between `from` and `to` (epoch ms), for failure messages. */
        const timeline = (from: number, to: number) => records.filter((record) => record.answeredAt >= from && record.answeredAt <= to)
          .sort((a, b) => a.answeredAt - b.answeredAt).slice(0, 60).map((record) => describeRecord(record, origin)).join('\n  ');
        const expectAlive = (when: string) => expect(hub.isAlive(), `the hub died ${when}\n${hub.report()}`).toBe(true);

        // Warm up until deliveries flow.
        const acknowledgedSoFar = () => records.filter((record) => record.kind === 'delivery' && record.status === 200).length;
        for (const until = Date.now() + 15_000; Date.now() < until && acknowledgedSoFar() < 30; await sleep(50));
        expect(acknowledgedSoFar(), 'deliveries acknowledged before the outage').toBeGreaterThanOrEqual(30);

        // (a) Every connection reset at once.
        const resetAt = Date.now();
        proxy.resetAll();
        await sleep(4_000);
        expectAlive('after its database connections were reset');
        const afterReset = firstAnswer(records, 'delivery', resetAt, (record) => record.status === 200);
        expect((afterReset?.answeredAt ?? Infinity) - resetAt, `first acknowledged delivery sent after the reset (ms after it), reset at +${resetAt - origin} ms\n  ${timeline(resetAt - 500, resetAt + RECOVERY_BOUND_MS)}`).toBeLessThanOrEqual(RECOVERY_BOUND_MS);

        // (b) A black hole: connections stay open, nothing gets through.
        const cutAt = Date.now();
        proxy.blackhole();
        await sleep(BLACKHOLE_MS);
        expectAlive('while its database was black-holed');
        // (c) Back.
        const restoreAt = Date.now();
        proxy.restore();
        await sleep(RECOVERY_BOUND_MS + 1_000);
        expectAlive('after its database came back');
        done = true;
        const result = await load;
        await probes.stop();

        // Nothing but 200 and 503 (with Retry-After, except /healthz) anywhere, and no request left without an answer.
        const odd = records.filter((record) => !(record.status === 200 || (record.status === 503 && (record.retryAfter !== null || record.kind === 'health'))));
        expect(odd.map((record) => describeRecord(record, origin)).slice(0, 20), 'answers other than 200 or 503 with Retry-After').toEqual([]);

        // While cut off: 503s, and /healthz says so.
        const duringCut = (record: ProbeRecord) => record.answeredAt >= cutAt && record.answeredAt < restoreAt;
        const cutDeliveries = records.filter((record) => record.kind === 'delivery' && duringCut(record));
        expect(cutDeliveries.some((record) => record.status === 503), `no delivery was answered 503 during the ${BLACKHOLE_MS / 1000} s cut (+${cutAt - origin} to +${restoreAt - origin} ms)\n  ${timeline(cutAt, restoreAt + 1_000)}`).toBe(true);
        const cutHealth = records.filter((record) => record.kind === 'health' && duringCut(record));
        expect(cutHealth.some((record) => record.status === 503), `/healthz never answered 503 during the cut: ${cutHealth.map((record) => describeRecord(record, origin)).join('; ')}`).toBe(true);
        // A probe sent well into the cut and answered before the restore cannot have seen the database.
        const tooHealthy = cutHealth.filter((record) => record.status === 200 && record.sentAt >= cutAt + HEALTH_GRACE_MS);
        expect(tooHealthy.map((record) => describeRecord(record, origin)), '/healthz answered 200 during the cut').toEqual([]);

        // Within 5 s of the restore, deliveries are acknowledged again.
        const recovered = firstAnswer(records, 'delivery', restoreAt, (record) => record.status === 200);
        expect((recovered?.answeredAt ?? Infinity) - restoreAt, `first acknowledged delivery sent after the restore (ms after it), restored at +${restoreAt - origin} ms\n  ${timeline(restoreAt - 500, restoreAt + RECOVERY_BOUND_MS + 1_000)}`).toBeLessThanOrEqual(RECOVERY_BOUND_MS);

        // Every acknowledgement was committed (read from PostgreSQL itself, not through the proxy) and ends processed.
        const acknowledged = [...result.acknowledged.values()];
        const rows = async () => database.db.selectFrom('inbound_event').select(['id', 'status']).where('id', 'in', acknowledged).execute();
        const committed = new Set((await rows()).map((row) => row.id));
        expect(acknowledged.filter((eventId) => !committed.has(eventId)).slice(0, 20), 'acknowledged with 200 but not in the database').toEqual([]);
        let unprocessed: string[] = [];
        for (const until = Date.now() + SETTLE_BOUND_MS; Date.now() < until; await sleep(250)) {
          unprocessed = (await rows()).filter((row) => row.status !== 'processed').map((row) => `${row.id}: ${row.status}`);
          if (unprocessed.length === 0) break;
        }
        expect(unprocessed.slice(0, 20), `acknowledged deliveries not processed ${SETTLE_BOUND_MS / 1000} s after the outage`).toEqual([]);
        const orders = result.purchases.filter((purchase) => result.acknowledged.has(purchase.number)).map((purchase) => purchase.orderId);
        const recorded = await database.db.selectFrom('conversion').select('order_id').where('order_id', 'in', orders).execute();
        expect(recorded.length, 'one conversion per acknowledged order').toBe(orders.length);
        await expectHubSurvived(hub, mark, { what: 'database outage' });
      } finally {
        done = true;
        await runner?.stop();
        await probes?.stop();
        await load?.catch(() => undefined);
        await proxy?.close();
        await storage.cleanUp();
      }
    }, 150_000);
  });
}
