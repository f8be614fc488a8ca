/**
 * What the hub child processes print, across every restart: a bounded tail for failure messages,
 * and every line that says an error escaped the hub's handling ("unhandled", "uncaught") — the
 * fault suite's proof that nothing crashed quietly even when the process happened to survive.
 */

const TAIL_CHARACTERS = 16_000;
const ESCAPED_ERROR = /unhandled|uncaught/i;
/** Lines kept per stream while waiting for their end; a longer line is scanned in pieces. */
const MAX_PENDING_LINE = 64_000;

export class HubOutput {
  #tail = '';
  readonly #escapedErrorLines: string[] = [];
  readonly #pending = new Map<string, string>();

  /** Feeds a chunk of one stream (`stream` tells stdout and stderr of one process apart). */
  append(stream: string, chunk: string): void {
    this.#tail = (this.#tail + chunk).slice(-TAIL_CHARACTERS);
    const text = (this.#pending.get(stream) ?? '') + chunk;
    const lines = text.split('\n');
    const rest = lines.pop() ?? '';
    for (const line of lines) this.#scan(line);
    if (rest.length > MAX_PENDING_LINE) {
      this.#scan(rest);
      this.#pending.set(stream, '');
    } else {
      this.#pending.set(stream, rest);
    }
  }

  /** A marker in the tail (a kill, a restart), so a reader can tell the lifetimes apart. */
  note(text: string): void {
    this.#tail = (this.#tail + `\n--- ${text} ---\n`).slice(-TAIL_CHARACTERS);
  }

  /** Lines mentioning an unhandled or uncaught error, in order (each cut to 500 characters); `since` skips the first ones. */
  escapedErrorLines(since = 0): readonly string[] {
    for (const [stream, rest] of this.#pending) {
      if (rest !== '') this.#scan(rest);
      this.#pending.set(stream, '');
    }
    return this.#escapedErrorLines.slice(since);
  }

  tail(): string {
    return this.#tail;
  }

  #scan(line: string): void {
    if (ESCAPED_ERROR.test(line)) this.#escapedErrorLines.push(line.slice(0, 500));
  }
}
