import { parseArgs } from 'node:util';
import type { CommandSpec, OptionSpec } from './command';
import { UsageError } from './cli-errors';
import { ParsedOptions } from './parsed-options';

/** Options every command takes, before or after the command's words. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string', valueName: 'HOST:PORT', description: 'the ACS public API (env ACSCTL_SERVER; default 127.0.0.1:50052)' },
  token: { type: 'string', valueName: 'TOKEN', description: 'API token sent as `authorization: Bearer` (env ACSCTL_TOKEN)' },
  'token-file': { type: 'string', valueName: 'FILE', description: 'read the API token from a file (env ACSCTL_TOKEN_FILE)' },
  tls: { type: 'boolean', description: 'connect with TLS (implied by --ca, --cert, --key)' },
  ca: { type: 'string', valueName: 'FILE', description: 'CA certificates (PEM) to verify the server with, instead of the system ones' },
  cert: { type: 'string', valueName: 'FILE', description: 'client certificate (PEM) for mTLS, with --key' },
  key: { type: 'string', valueName: 'FILE', description: 'private key (PEM) of the client certificate' },
  output: { type: 'string', short: 'o', valueName: 'table|json|csv', description: 'output format (default table); json prints NDJSON for streams; csv (RFC 4180) for lists' },
  timeout: { type: 'string', valueName: 'DURATION', description: 'deadline of each call (default 30s); for waits and streams, how long to wait' },
  help: { type: 'boolean', short: 'h', description: 'show the help of a command' },
};

/** What the command line asks for: a command to run, or help. */
export type CommandLine =
  | { kind: 'command'; command: CommandSpec; options: ParsedOptions; args: string[] }
  /** `topic` is [], [GROUP] or [GROUP, ACTION]; `requested` is false when help is shown because nothing was asked. */
  | { kind: 'help'; topic: string[]; requested: boolean };

/**
 * Finds the command (its first two words, wherever the options are) and parses its options with node:util parseArgs:
 * strict, so a misspelled option is an error instead of being ignored.
 */
export function parseCommandLine(argv: readonly string[], catalog: readonly CommandSpec[]): CommandLine {
  const words = commandWords(argv, catalog);
  const helpFlag = argv.includes('--help') || argv.includes('-h');
  if (words.length === 0) return { kind: 'help', topic: [], requested: helpFlag };
  const [group, action] = words;
  if (group === 'help') return { kind: 'help', topic: words.slice(1), requested: true };
  if (!catalog.some((c) => c.group === group)) throw new UsageError(`unknown command "${group}"`);
  // A one-word command (`samples DEVICE METRIC`) is its group's only command: the words after it are its arguments.
  const command = catalog.find((c) => c.group === group && c.action === '') ?? catalog.find((c) => c.group === group && c.action === action);
  if (!command) {
    if (helpFlag) return { kind: 'help', topic: [group], requested: true };
    throw new UsageError(action === undefined ? `${group}: which one?` : `unknown command "${group} ${action}"`, group);
  }
  const name = commandName(command);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true });
  } catch (error) {
    // Not `instanceof Error`: under a VM context (jest) Node's own errors come from another realm.
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
    // An option value starting with a dash (`--below -25`): Node's last line says how to write it.
    const lines = message.split('\n');
    throw new UsageError(/ambiguous/.test(lines[0]) ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0], name);
  }
  if (parsed.values.help === true) return { kind: 'help', topic: [group, command.action], requested: true };
  // The command's words are the first positionals: parseArgs and commandWords agree on which tokens are option values.
  const args = parsed.positionals.slice(command.action === '' ? 1 : 2);
  if (args.length < command.minArgs) throw new UsageError(`${name}: missing arguments`, name);
  if (args.length > command.maxArgs) throw new UsageError(`${name}: unexpected argument "${args[command.maxArgs]}"`, name);
  return { kind: 'command', command, options: new ParsedOptions(parsed.values, name), args };
}

/** The first two positional words, skipping options and the values of options that take one (in any command). */
function commandWords(argv: readonly string[], catalog: readonly CommandSpec[]): string[] {
  const takesValue = new Set<string>();
  for (const options of [GLOBAL_OPTIONS, ...catalog.map((c) => c.options)]) {
    for (const [name, spec] of Object.entries(options)) {
      if (spec.type !== 'string') continue;
      takesValue.add(`--${name}`);
      if (spec.short) takesValue.add(`-${spec.short}`);
    }
  }
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const token = argv[i];
    if (token === '--') {
      words.push(...argv.slice(i + 1, i + 3 - words.length));
      break;
    }
    if (token.startsWith('-') && token !== '-') {
      if (takesValue.has(token)) i++;
      continue;
    }
    words.push(token);
  }
  // `help` takes up to two topic words after it.
  if (words[0] === 'help') {
    const rest = argv.filter((t) => !t.startsWith('-'));
    return rest.slice(rest.indexOf('help'), rest.indexOf('help') + 3);
  }
  return words;
}

/** `devices list`, or `samples` for a one-word command. */
export function commandName(command: Pick<CommandSpec, 'group' | 'action'>): string {
  return command.action === '' ? command.group : `${command.group} ${command.action}`;
}

export function generalUsage(catalog: readonly CommandSpec[]): string {
  const lines = ['usage: acsctl [global options] COMMAND [arguments] [options]', '', 'commands:'];
  const width = Math.max(...catalog.map((c) => `${commandName(c)} ${c.argsUsage}`.trimEnd().length));
  for (const c of catalog) lines.push(`  ${`${commandName(c)} ${c.argsUsage}`.trimEnd().padEnd(width)}  ${c.summary}`);
  lines.push('  help [COMMAND]'.padEnd(width + 2) + '  this help, or a command\'s');
  lines.push('', 'global options:', ...formatOptions(GLOBAL_OPTIONS));
  lines.push('', 'exit codes: 0 done, 1 failed (gRPC error, bad input), 2 usage error, 3 waited-for task not DONE,', '4 wait timed out.');
  return `${lines.join('\n')}\n`;
}

export function groupUsage(catalog: readonly CommandSpec[], group: string): string {
  const commands = catalog.filter((c) => c.group === group);
  const lines = [`usage: acsctl ${group} ACTION [arguments] [options]`, '', 'actions:'];
  for (const c of commands) lines.push(`  ${`${commandName(c)} ${c.argsUsage}`.trimEnd()}`, `      ${c.summary}`);
  lines.push('', `\`acsctl ${group} ACTION --help\` for an action's options; \`acsctl help\` for the global options.`);
  return `${lines.join('\n')}\n`;
}

export function commandUsage(command: CommandSpec): string {
  const options = formatOptions(command.options);
  const lines = [`usage: acsctl ${commandName(command)}${command.argsUsage ? ` ${command.argsUsage}` : ''}${options.length ? ' [options]' : ''}`, '', command.summary];
  for (const paragraph of command.details ?? []) lines.push('', paragraph);
  if (options.length) lines.push('', 'options:', ...options);
  lines.push('', 'global options (--server, --token, --output, --timeout, TLS…): `acsctl help`.');
  return `${lines.join('\n')}\n`;
}

function formatOptions(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(0, ...entries.map(([flag]) => flag.length));
  return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}
