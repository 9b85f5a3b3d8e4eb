// The pec-kit command line: the only code in the package with I/O.
import { readFileSync } from 'node:fs';
import { displayText } from '../display.js';
import { type Io, processIo, UsageError } from './io.js';

/** A command once its module is loaded. */
interface Command {
  run(args: string[], io: Io): Promise<number>;
  help: string;
}

// Commands load their module on first use: `verify` must not pay for the builders, the test CA
// and the simulator at start-up (1,000 files through `pec-kit verify` is one process start).
const COMMANDS: Record<string, { summary: string; load(): Promise<Command> }> = {
  verify: {
    summary: 'verify signatures, the PEC chain and integrity (CI: exit 0/1/2, --json)',
    load: async () => {
      const m = await import('./verify-command.js');
      return { run: m.verifyCommand, help: m.VERIFY_HELP };
    },
  },
  inspect: {
    summary: 'show what a message says: kind, headers, daticert, original, attachments',
    load: async () => {
      const m = await import('./inspect-command.js');
      return { run: m.inspectCommand, help: m.INSPECT_HELP };
    },
  },
  simulate: {
    summary: 'play both providers for one message: envelope, every receipt, test CA',
    load: async () => {
      const m = await import('./simulate-command.js');
      return { run: m.simulateCommand, help: m.SIMULATE_HELP };
    },
  },
  demo: {
    summary: 'simulate a bundled sample transaction and verify every message',
    load: async () => {
      const m = await import('./demo-command.js');
      return { run: m.demoCommand, help: m.DEMO_HELP };
    },
  },
};

/** Registers a command (simulate and demo live in their own modules). */
export function registerCommand(name: string, command: Command & { summary: string }): void {
  COMMANDS[name] = { summary: command.summary, load: async () => command };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function mainHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `Usage: pec-kit <command> [options]

Build, parse and verify Italian certified e-mail (PEC).

Commands:
${lines.join('\n')}

Options:
  -h, --help     show help (also: pec-kit <command> --help, pec-kit help <command>)
  -v, --version  show the version

Examples:
  npx pec-kit demo
  pec-kit verify --json receipts/
  pec-kit inspect CONSEGNA.eml`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  // `pec-kit help verify` = `pec-kit verify --help`.
  const helpFor = name === 'help' && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
  if (helpFor) {
    io.out((await helpFor.load()).help);
    return 0;
  }
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    io.out(version());
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`pec-kit: unknown command "${displayText(name)}"\n\n${mainHelp()}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, io);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // One line: which option, and where the list is (the full usage buries it in a CI log).
      const option = /'([^']+)'/.exec((e as Error).message)?.[1] ?? '';
      io.err(
        `pec-kit ${name}: unknown option ${displayText(option)}; "pec-kit ${name} --help" lists the options`,
      );
      return 2;
    }
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(
        `pec-kit ${name}: ${displayText((e as Error).message)}; "pec-kit ${name} --help" lists the options`,
      );
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`pec-kit ${name}: ${displayText((e as Error).message)}\n\n${command.help}`);
      return 2;
    }
    // The message shown as one text (a line break in it, such as a path given on the command
    // line, is marked, never obeyed), then only the trace's own "    at" frames.
    const head = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const frames = (e instanceof Error ? (e.stack ?? '') : '')
      .split('\n')
      .filter((l) => l.startsWith('    at '))
      .map((l) => `    ${displayText(l.slice(4))}`);
    io.err([`pec-kit ${name}: ${displayText(head)}`, ...frames].join('\n'));
    return 2;
  }
}
