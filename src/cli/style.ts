// Terminal styling: colours only on a TTY and never when NO_COLOR is set (no-color.org).
import type { WriteStream } from 'node:tty';

export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function styleFor(
  stream: NodeJS.WriteStream | WriteStream,
  env: NodeJS.ProcessEnv = process.env,
): Style {
  const on = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** A one-line progress bar on stderr, redrawn in place; a no-op when stderr is not a TTY. */
export function progressBar(
  stream: NodeJS.WriteStream,
  total: number,
  enabled: boolean,
): { tick(label: string): void; done(): void } {
  if (!enabled || !stream.isTTY || total < 2) return { tick() {}, done() {} };
  let n = 0;
  let last = 0;
  return {
    tick(label: string) {
      n++;
      const now = Date.now();
      if (n !== total && now - last < 50) return;
      last = now;
      const width = 28;
      const filled = Math.round((n / total) * width);
      const name = label.length > 40 ? `…${label.slice(-39)}` : label;
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total} ${name}`);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
