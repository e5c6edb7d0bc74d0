import type { AcsConnection } from '../connection/acs-connection';
import type { OutputWriter } from '../output/output-writer';
import type { CliIo } from './cli-io';
import type { ParsedOptions } from './parsed-options';

/** One option of a command, as node:util parseArgs takes it plus what the help text shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Shown after the option in the help, e.g. `EXPR`; strings only. */
  valueName?: string;
  description: string;
}

export interface CommandContext {
  io: CliIo;
  options: ParsedOptions;
  /** The positional arguments after the command's words. */
  args: string[];
  out: OutputWriter;
  /** The connection to the ACS, opened on first use (commands such as `token new` never open one). */
  connection(): AcsConnection;
}

/** A `GROUP ACTION` command: its help and its handler, which answers the exit code. */
export interface CommandSpec {
  group: string;
  action: string;
  /** The positional part of the usage line, e.g. `ID [PATH]`. */
  argsUsage: string;
  minArgs: number;
  maxArgs: number;
  summary: string;
  /** Further help paragraphs. */
  details?: string[];
  options: Record<string, OptionSpec>;
  run(context: CommandContext): Promise<number>;
}
