// The pec-kit command line: the only code in the package with I/O.
import { readFileSync } from 'node:fs';
import { DEMO_HELP, demoCommand } from './demo-command.js';
import { inspectCommand, INSPECT_HELP } from './inspect-command.js';
import { type Io, processIo, UsageError } from './io.js';
import { SIMULATE_HELP, simulateCommand } from './simulate-command.js';
import { verifyCommand, VERIFY_HELP } from './verify-command.js';

const COMMANDS: Record<string, { run(args: string[], io: Io): Promise<number>; help: string; summary: string }> = {
  verify: { run: verifyCommand, help: VERIFY_HELP, summary: 'verify signatures, the PEC chain and integrity (CI: exit 0/1/2, --json)' },
  inspect: { run: inspectCommand, help: INSPECT_HELP, summary: 'show what a message says: kind, headers, daticert, original, attachments' },
  simulate: { run: simulateCommand, help: SIMULATE_HELP, summary: 'play both providers for one message: envelope, every receipt, test CA' },
  demo: { run: demoCommand, help: DEMO_HELP, summary: 'simulate a bundled sample transaction and verify every message' },
};

/** Registers a command (simulate and demo live in their own modules). */
export function registerCommand(name: string, command: (typeof COMMANDS)[string]): void {
  COMMANDS[name] = command;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function mainHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `Usage: pec-kit <command> [options]

Build, parse and verify Italian certified e-mail (PEC).

Commands:
${lines.join('\n')}

Options:
  -h, --help     show help (also: pec-kit <command> --help)
  -v, --version  show the version

Examples:
  npx pec-kit demo
  pec-kit verify --json receipts/
  pec-kit inspect CONSEGNA.eml`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    io.out(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`pec-kit: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`pec-kit ${name}: ${(e as Error).message}\n\n${command.help}`);
      return 2;
    }
    io.err(`pec-kit ${name}: ${(e as Error).stack ?? String(e)}`);
    return 2;
  }
}
