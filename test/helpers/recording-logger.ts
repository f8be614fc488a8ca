/**
 * A logger that keeps every line, for tests of what the hub logs (and what it must never log). It is
 * the hub's own logger (pino and its redaction layer) writing to memory, so what a test reads is
 * exactly what production would have written to stderr.
 */
import { createLogger, type HubLogger, type LogFields, type LogLevel } from '../../src/lib/logger.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** Everything else on the line (time excluded). */
  fields: LogFields;
}

export interface RecordingLogger extends HubLogger {
  /** Every line written so far, parsed. */
  readonly entries: LogEntry[];
  /** Every line as written: JSON text, one per line. */
  text(): string;
}

export function recordingLogger(level: LogLevel = 'debug'): RecordingLogger {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line) => void lines.push(line) } });
  return {
    ...logger,
    get entries() {
      return lines.map((line) => {
        const { level: entryLevel, message, time: _time, ...fields } = JSON.parse(line) as { level: LogLevel; message: string; time: string } & LogFields;
        return { level: entryLevel, message, fields };
      });
    },
    text: () => lines.join(''),
  };
}
