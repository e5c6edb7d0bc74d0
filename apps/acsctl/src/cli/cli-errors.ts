/** The command line itself is wrong: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /**
   * `usageOf` names the command whose usage to print (`devices list`); empty for the general usage; null for none,
   * when the message says all there is (an unknown --output value lists the valid ones).
   */
  constructor(
    message: string,
    readonly usageOf: string | null = '',
  ) {
    super(message);
  }
}

/** A failure outside gRPC that the operator can act on (unreadable file, invalid preset file…): printed, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export const EXIT_OK = 0;
/** A call failed or an input was unusable. */
export const EXIT_FAILED = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
/** A waited-for task ended FAULTED, EXPIRED or CANCELLED. */
export const EXIT_TASK_NOT_DONE = 3;
/** A waited-for task was still not final when the wait ended. */
export const EXIT_WAIT_TIMED_OUT = 4;
