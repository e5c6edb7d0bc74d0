import { status } from '@grpc/grpc-js';
import { isServiceError } from '@acs/platform';
import type { CliIo } from './cli/cli-io';
import type { CommandSpec } from './cli/command';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli/cli-errors';
import { commandUsage, generalUsage, groupUsage, parseCommandLine, type CommandLine } from './cli/command-line.parser';
import { ALARM_COMMANDS } from './commands/alarms.command';
import { AUDIT_COMMANDS } from './commands/audit.command';
import { DEVICE_COMMANDS } from './commands/devices.command';
import { DIAG_COMMANDS } from './commands/diag.command';
import { EVENT_COMMANDS } from './commands/events.command';
import { FAULT_COMMANDS } from './commands/faults.command';
import { CAMPAIGN_COMMANDS } from './commands/campaigns.command';
import { FILE_COMMANDS } from './commands/files.command';
import { JOB_COMMANDS } from './commands/jobs.command';
import { DEVICE_GROUPS_COMMAND, GROUP_COMMANDS } from './commands/groups.command';
import { PRESET_COMMANDS } from './commands/presets.command';
import { PROFILE_COMMANDS } from './commands/profiles.command';
import { SAMPLE_COMMANDS } from './commands/samples.command';
import { TASK_COMMANDS } from './commands/tasks.command';
import { THRESHOLD_COMMANDS } from './commands/thresholds.command';
import { TOKEN_COMMANDS } from './commands/token.command';
import { AcsConnection } from './connection/acs-connection';
import { DEFAULT_CALL_TIMEOUT_MS, resolveConnectionSettings } from './connection/connection-settings';
import { formatServiceError } from './output/grpc-error.format';
import { OutputWriter, parseOutputFormat } from './output/output-writer';

export type { CliIo } from './cli/cli-io';

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  ...DEVICE_COMMANDS,
  DEVICE_GROUPS_COMMAND,
  ...TASK_COMMANDS,
  ...PRESET_COMMANDS,
  ...FAULT_COMMANDS,
  ...FILE_COMMANDS,
  ...CAMPAIGN_COMMANDS,
  ...JOB_COMMANDS,
  ...GROUP_COMMANDS,
  ...SAMPLE_COMMANDS,
  ...PROFILE_COMMANDS,
  ...THRESHOLD_COMMANDS,
  ...ALARM_COMMANDS,
  ...DIAG_COMMANDS,
  ...EVENT_COMMANDS,
  ...AUDIT_COMMANDS,
  ...TOKEN_COMMANDS,
];

/** Conventional exit status of a program stopped by SIGINT. */
const EXIT_INTERRUPTED = 130;

/**
 * Runs one command line (without `node` and the script) and answers the exit code. Never throws and never exits the
 * process: main.ts does that, and specs call this directly.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv, COMMANDS);
  } catch (error) {
    return reportUsageError(error, io);
  }
  if (line.kind === 'help') return showHelp(line.topic, line.requested, io);
  let connection: AcsConnection | undefined;
  try {
    const { options } = line;
    const out = new OutputWriter(io, parseOutputFormat(options.string('output')));
    const callTimeoutMs = options.durationMs('timeout') ?? DEFAULT_CALL_TIMEOUT_MS;
    return await line.command.run({
      io,
      options,
      args: line.args,
      out,
      connection: () => (connection ??= new AcsConnection(resolveConnectionSettings(options, io), callTimeoutMs, io.signal)),
    });
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(error, io);
    if (isServiceError(error)) {
      if (error.code === status.CANCELLED && io.signal?.aborted) {
        io.stderr('interrupted\n');
        return EXIT_INTERRUPTED;
      }
      io.stderr(`${formatServiceError(error).join('\n')}\n`);
      return EXIT_FAILED;
    }
    if (error instanceof CliError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    // A bug of the CLI: say so plainly, with the stack when asked for.
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env.ACSCTL_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_FAILED;
  } finally {
    connection?.close();
  }
}

function reportUsageError(error: unknown, io: CliIo): number {
  if (!(error instanceof UsageError)) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  if (error.usageOf === null) io.stderr(`error: ${error.message}\n`);
  else io.stderr(`error: ${error.message}\n\n${usageText(error.usageOf.split(' ').filter((w) => w !== ''))}`);
  return EXIT_USAGE;
}

function showHelp(topic: string[], requested: boolean, io: CliIo): number {
  if (topic.length > 0 && !COMMANDS.some((c) => c.group === topic[0])) return reportUsageError(new UsageError(`no help for "${topic.join(' ')}": unknown command`), io);
  const text = usageText(topic);
  if (!requested) {
    io.stderr(text);
    return EXIT_USAGE;
  }
  io.stdout(text);
  return EXIT_OK;
}

function usageText(topic: string[]): string {
  const [group, action] = topic;
  if (group === undefined) return generalUsage(COMMANDS);
  const command = COMMANDS.find((c) => c.group === group && (c.action === action || c.action === ''));
  if (command) return commandUsage(command);
  return COMMANDS.some((c) => c.group === group) ? groupUsage(COMMANDS, group) : generalUsage(COMMANDS);
}
