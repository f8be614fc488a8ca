/** @module The embedded PostgreSQL server could not be set up, started or stopped; the message says why and what to do. */
export class EmbeddedServerError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'EmbeddedServerError';
  }
}
