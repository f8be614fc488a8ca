/** A logger that keeps every entry, for tests of what the hub logs (and what it must never log). */
import type { LogFields, Logger, LogLevel } from '../../src/lib/logger.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  /** Every entry as one line of JSON text, as it would be written. */
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const record = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    entries.push({ level, message, fields });
  };
  return {
    entries,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => entries.map((entry) => JSON.stringify({ level: entry.level, message: entry.message, ...entry.fields }, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value)).join('\n'),
  };
}
