// The CLI's only contact with the process: streams, standard input and exit codes, injectable for tests.

/** Output streams of a CLI run. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** The whole of standard input (the PATH `-`). Default: process.stdin. */
  readStdin?(): Promise<Uint8Array>;
  /** The environment (LANG, NO_COLOR, FORCE_COLOR). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A wrong command line: exit code 2 with a message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** --lang, else LC_ALL, LC_MESSAGES, LANG (POSIX order): Italian for it_*, English otherwise. */
export function pickLang(flag: string | undefined, env: NodeJS.ProcessEnv): 'it' | 'en' {
  if (flag !== undefined) {
    if (flag !== 'it' && flag !== 'en') throw new UsageError(`--lang expects it or en, got "${flag}"`);
    return flag;
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^it(_|$|\.)/i.test(locale) ? 'it' : 'en';
}

export async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: readAllStdin,
    env: process.env,
  };
}
