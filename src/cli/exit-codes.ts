/**
 * @module The CLI's exit codes, which scripts can rely on (docs/cli.md lists them). Every command
 * ends with one of these; a failure is a `CliError` carrying its code and a message for stderr.
 */

export const EXIT = {
  /** Done, and nothing that was asked failed. */
  ok: 0,
  /** The command ran but what it did failed: a delivery refused, an event that failed, rows or replays not accepted. */
  failed: 1,
  /** The command line is wrong: an unknown command or option, a missing or bad argument, an input file that cannot be read. */
  usage: 2,
  /** The hub could not be used: unreachable, answering 5xx, or refusing the key (401/403). */
  hub: 3,
  /** `trigger`: the event was stored but not processed within `--timeout`. */
  timeout: 4,
  /** Interrupted (Ctrl-C) before the end; `import` saved where it was and resumes from there. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
