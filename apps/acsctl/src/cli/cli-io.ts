/**
 * What a run of the CLI may touch of the outside world. main.ts binds it to the process; specs pass their own so the
 * CLI runs in-process and its output can be read back.
 */
export interface CliIo {
  /** Writes to standard output as is (callers add the newlines). */
  stdout(text: string): void;
  /** Writes to standard error as is. */
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (preset files, token files, certificates) are resolved against it. */
  cwd: string;
  /** The clock (epoch ms) ages are counted from; the system's when absent. */
  now?: () => number;
  /** The terminal's width in characters when standard output is one (charts fit it); absent otherwise. */
  columns?: number;
  /** Aborted on Ctrl-C: streaming commands stop and exit cleanly. */
  signal?: AbortSignal;
}
