/**
 * @module One sale to `POST /api/v1/conversions`, the way a sync client should send it (SPEC §5,
 * §12): 201 is created; 409 `duplicate` is "already synced"; 429 pauses every sender for
 * `Retry-After` seconds and sends the same sale again, and an answer saying no request is left
 * (`X-RateLimit-Remaining: 0`) pauses them until `X-RateLimit-Reset`; 503 and lost connections are
 * retried with a pause. A refused key (401, or 403 for a read key) stops the whole import. Any other
 * answer is this sale's failure. Requests go through one undici pool of kept-alive connections.
 */
import { Pool } from 'undici';
import { CliError, EXIT } from '../exit-codes.js';

export type SendOutcome =
  | { outcome: 'created' }
  | { outcome: 'duplicate'; conversionId: string | null }
  | { outcome: 'failed'; status: number; error: string };

/** Time as the sender waits it: real time in the CLI, a test's clock in tests (waiting is then instant). */
export interface SenderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: SenderClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface SenderStats {
  /** 429s received. */
  rateLimited: number;
  /** Time every sender spent paused for the rate limit. */
  pausedMs: number;
}

/** Every sender waits here while the hub asked to slow down. */
class PauseGate {
  #until = 0;
  readonly #stats: SenderStats;
  readonly #clock: SenderClock;

  constructor(stats: SenderStats, clock: SenderClock) {
    this.#stats = stats;
    this.#clock = clock;
  }

  pauseUntil(time: number): void {
    if (time <= this.#until) return;
    this.#stats.pausedMs += time - Math.max(this.#until, this.#clock.now());
    this.#until = time;
  }

  async wait(): Promise<void> {
    while (this.#clock.now() < this.#until) await this.#clock.sleep(this.#until - this.#clock.now());
  }
}

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** 503 (the hub's database away) and lost connections: pauses before giving up, about two minutes in all. */
const UNAVAILABLE_RETRIES = 24;
const RECONNECT_DELAY_MS = 5_000;

export class ConversionSender {
  readonly stats: SenderStats = { rateLimited: 0, pausedMs: 0 };
  readonly #pool: Pool;
  readonly #gate: PauseGate;
  readonly #clock: SenderClock;
  readonly #authorization: string;
  readonly #hub: string;

  constructor(hub: string, key: string, concurrency: number, clock: SenderClock = realClock) {
    this.#hub = hub;
    this.#clock = clock;
    this.#gate = new PauseGate(this.stats, clock);
    this.#pool = new Pool(hub, { connections: concurrency, keepAliveTimeout: 30_000 });
    this.#authorization = `Bearer ${key}`;
  }

  async send(body: Record<string, unknown>): Promise<SendOutcome> {
    const payload = JSON.stringify(body);
    for (let unavailable = 0; ;) {
      await this.#gate.wait();
      let answer: { statusCode: number; headers: Record<string, string | string[] | undefined>; text: string };
      try {
        const response = await this.#pool.request({
          method: 'POST', path: '/api/v1/conversions', body: payload,
          headers: { 'content-type': 'application/json', authorization: this.#authorization },
        });
        answer = { statusCode: response.statusCode, headers: response.headers, text: await response.body.text() };
      } catch (error) {
        if (++unavailable > UNAVAILABLE_RETRIES) throw new CliError(EXIT.hub, `cannot reach the hub at ${this.#hub}: ${error instanceof Error ? error.message : String(error)}`);
        this.#gate.pauseUntil(this.#clock.now() + RECONNECT_DELAY_MS);
        continue;
      }
      const { statusCode, headers } = answer;
      if (header(headers, 'x-ratelimit-remaining') === '0') this.#gate.pauseUntil(Number(header(headers, 'x-ratelimit-reset') ?? 0) * 1000);
      if (statusCode === 201) return { outcome: 'created' };
      const error = parseError(answer.text);
      if (statusCode === 409 && error.code === 'duplicate') return { outcome: 'duplicate', conversionId: error.conversionId ?? null };
      if (statusCode === 429) {
        this.stats.rateLimited += 1;
        this.#gate.pauseUntil(this.#clock.now() + Math.max(1, Number(header(headers, 'retry-after') ?? 1)) * 1000);
        continue;
      }
      if (statusCode === 503) {
        if (++unavailable > UNAVAILABLE_RETRIES) throw new CliError(EXIT.hub, `the hub at ${this.#hub} stayed unavailable (503): ${error.message ?? ''}`);
        this.#gate.pauseUntil(this.#clock.now() + Math.max(1, Number(header(headers, 'retry-after') ?? 5)) * 1000);
        continue;
      }
      if (statusCode === 401 || (statusCode === 403 && error.code === 'insufficient_permissions')) {
        throw new CliError(EXIT.hub, `the hub refused the key (${statusCode} ${error.code ?? ''}): import needs a write key (hub_sk_…)`);
      }
      return { outcome: 'failed', status: statusCode, error: error.code ? `${error.code}: ${error.message ?? ''}` : `HTTP ${statusCode}` };
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function parseError(text: string): { code?: string; message?: string; conversionId?: string } {
  try {
    return (JSON.parse(text) as { error?: { code?: string; message?: string; conversionId?: string } }).error ?? {};
  } catch {
    return {};
  }
}
