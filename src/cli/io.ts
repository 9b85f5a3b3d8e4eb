// The CLI's only contact with the process: streams and exit codes, injectable for tests.

/** Output streams of a CLI run. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** A wrong command line: exit code 2 with a message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stdout: process.stdout,
    stderr: process.stderr,
  };
}
