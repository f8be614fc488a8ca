/**
 * A real HTTP receiver on loopback for outbound-webhook tests: it answers each request as scripted
 * (status, delay, Retry-After) and records what arrived.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface ScriptedAnswer {
  status: number;
  delayMs?: number;
  retryAfter?: string;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly #script: ScriptedAnswer[] = [];
  #fallback: ScriptedAnswer = { status: 200 };
  #server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        const answer = this.#script.shift() ?? this.#fallback;
        const reply = () => {
          if (response.destroyed) return;
          response.writeHead(answer.status, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {});
          response.end();
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  /** The next requests get these answers, in order; after that, `fallback`. */
  answer(...answers: ScriptedAnswer[]): this {
    this.#script.push(...answers);
    return this;
  }

  otherwise(answer: ScriptedAnswer): this {
    this.#fallback = answer;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
