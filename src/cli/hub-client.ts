/**
 * @module The CLI's view of a running hub: JSON requests to its API with a merchant key. Failures to
 * reach it, 5xx answers and refused keys become `CliError`s with exit code 3; other answers are
 * returned for the command to judge.
 */
import { CliError, EXIT } from './exit-codes.js';

export interface HubAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface HubErrorBody {
  error?: { code?: string; message?: string; conversionId?: string };
}

/** The hub's error message from an answer, or the status when it sent none. */
export function errorMessageOf(answer: HubAnswer): string {
  const error = (answer.body as HubErrorBody | null)?.error;
  return error?.message ? `${error.code ?? 'error'}: ${error.message}` : `HTTP ${answer.status}`;
}

export class HubClient {
  readonly baseUrl: string;
  readonly #key: string | null;

  constructor(baseUrl: string, key: string | null) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#key = key;
  }

  /** One request; the body of the answer parsed as JSON when it is JSON. Throws only when the hub cannot be reached. */
  async request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {}): Promise<HubAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.#key) headers.authorization = `Bearer ${this.#key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual' });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(EXIT.hub, `cannot reach the hub at ${this.baseUrl}: ${cause}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** A `{data}` answer's data; anything but 2xx is a CliError (404 and 4xx: failed; 401/403/5xx: the hub). */
  async data<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.#key) throw new CliError(EXIT.usage, 'this needs a merchant API key: --key or HUB_API_KEY');
    const answer = await this.request(method, path, body === undefined ? {} : { body });
    if (answer.status >= 200 && answer.status < 300) return (answer.body as { data: T }).data;
    throw new CliError(answer.status === 401 || answer.status === 403 || answer.status >= 500 ? EXIT.hub : EXIT.failed,
      `${method} ${path} answered ${answer.status}: ${errorMessageOf(answer)}`);
  }
}
