/**
 * @module The hub's logger: pino, writing one JSON object per line (stderr in production), every line
 * through the one redaction layer (log-redaction.ts). Code logs with `logger.info(message, fields)`;
 * the adapter turns that into pino's `(fields, message)`. The HTTP layer writes request lines with
 * `pino` itself, so they take the same path.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redactLogFields } from './log-redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** What the engine and the routes log through. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The logger the hub is started with: the same, plus the pino instance behind it (for request lines). */
export interface HubLogger extends Logger {
  readonly pino: PinoLogger;
}

export interface LoggerOptions {
  level: LogLevel | 'silent';
  /** Where lines go; default stderr. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): HubLogger {
  const includeStack = options.level === 'debug';
  const base = pino({
    level: options.level,
    messageKey: 'message',
    // No pid and hostname on every line: the process manager already says which process wrote it.
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redactLogFields(fields, includeStack),
    },
  }, options.destination ?? pino.destination({ dest: 2, sync: false }));
  return {
    pino: base,
    debug: (message, fields = {}) => base.debug(fields, message),
    info: (message, fields = {}) => base.info(fields, message),
    warn: (message, fields = {}) => base.warn(fields, message),
    error: (message, fields = {}) => base.error(fields, message),
  };
}

/** Writes nothing (tests, the demo). Its destination is a no-op, so no file descriptor is opened for it. */
export const silentLogger: HubLogger = createLogger({ level: 'silent', destination: { write: () => undefined } });
