/**
 * @module A small structured logger: one JSON object per line on stderr/stdout.
 * Callers pass facts, never secrets; fields whose names look secret are masked as a second guard.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /secret|token|password|authorization|api[-_]?key|signature|cookie/i;

export function createLogger(level: LogLevel | 'silent', write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Logger {
  const threshold = level === 'silent' ? Number.POSITIVE_INFINITY : ORDER[level];
  const log = (entryLevel: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (ORDER[entryLevel] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: entryLevel, message, ...maskSecrets(fields) }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = createLogger('silent');

function maskSecrets(fields: LogFields): LogFields {
  const masked: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) masked[key] = '[redacted]';
    else if (value instanceof Error) masked[key] = { name: value.name, message: value.message };
    else masked[key] = value;
  }
  return masked;
}
