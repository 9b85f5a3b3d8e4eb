// Terminal styling: colours on a TTY unless NO_COLOR is set (no-color.org) or TERM is dumb;
// FORCE_COLOR (force-color.org, as Node reads it) decides first: 0 or false turns colours off,
// any other value turns them on even when the output is a pipe (CI logs that render ANSI).
import type { WriteStream } from 'node:tty';
import { displayText } from '../display.js';

export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** Whether to colour: FORCE_COLOR first, then NO_COLOR, TERM=dumb and whether the stream is a terminal. */
export function colourEnabled(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

export function styleFor(
  stream: NodeJS.WriteStream | WriteStream,
  env: NodeJS.ProcessEnv = process.env,
): Style {
  const on = colourEnabled(Boolean(stream.isTTY), env);
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
      const shown = displayText(label); // a file's name is anyone's choice
      const name = shown.length > 40 ? `…${shown.slice(-39)}` : shown;
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total} ${name}`);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
