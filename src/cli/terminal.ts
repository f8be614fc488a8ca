/** @module Where the CLI writes: results on stdout (what a script reads), notes and errors on stderr. */

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function noteLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
