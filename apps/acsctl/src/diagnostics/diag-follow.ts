import { acsV1 } from '@acs/contracts';
import { EXIT_OK, EXIT_TASK_NOT_DONE, EXIT_WAIT_TIMED_OUT } from '../cli/cli-errors';
import type { AcsConnection } from '../connection/acs-connection';
import { DEFAULT_CALL_TIMEOUT_MS } from '../connection/connection-settings';

/** Polls start here and grow by half up to the cap: a ping ends in a second, a download test may take minutes. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;
/**
 * How long past the run's deadline the wait goes on: the service ends a run at its deadline by a periodic sweep
 * (ACS_DIAGNOSTICS_SWEEP_MS), so TIMED_OUT shows a little after it.
 */
export const DEADLINE_GRACE_MS = 30_000;

export interface FollowedRun {
  run: acsV1.DiagnosticRun;
  /** The wait ended while the run was still RUNNING. */
  timedOut: boolean;
}

export interface FollowClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Follows a run with GetDiagnostic, backing off between calls, until it has ended or its deadline (plus a grace for
 * the service's sweep) has passed. `onUpdate` gets each state whose status changed. Each call has the usual deadline
 * (DEFAULT_CALL_TIMEOUT_MS): `--timeout` of a test command is the run's own.
 */
export async function followRun(
  connection: AcsConnection,
  started: acsV1.DiagnosticRun,
  clock: FollowClock,
  onUpdate: (run: acsV1.DiagnosticRun) => void = () => undefined,
): Promise<FollowedRun> {
  const giveUpAt = (started.deadlineTime?.getTime() ?? clock.now()) + DEADLINE_GRACE_MS;
  let run = started;
  let pause = FIRST_POLL_MS;
  while (run.status === acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_RUNNING) {
    if (clock.now() >= giveUpAt) return { run, timedOut: true };
    await clock.sleep(Math.min(pause, Math.max(0, giveUpAt - clock.now())));
    pause = Math.min(MAX_POLL_MS, Math.round(pause * 1.5));
    const response = await connection.unary<acsV1.GetDiagnosticResponse>((md, o, cb) => connection.diagnostics.getDiagnostic({ runId: started.id }, md, o, cb), DEFAULT_CALL_TIMEOUT_MS);
    if (!response.run) continue;
    if (response.run.status !== run.status) onUpdate(response.run);
    run = response.run;
  }
  return { run, timedOut: false };
}

/** 0 when COMPLETE, 3 when it ended otherwise (FAILED, TIMED_OUT, CANCELLED), 4 when the wait ended first. */
export function runExitCode(followed: FollowedRun): number {
  if (followed.timedOut) return EXIT_WAIT_TIMED_OUT;
  return followed.run.status === acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_COMPLETE ? EXIT_OK : EXIT_TASK_NOT_DONE;
}

/** The real clock; a sleep ends early when the command is interrupted (the next call is then cancelled). */
export function systemFollowClock(signal?: AbortSignal): FollowClock {
  return {
    now: () => Date.now(),
    sleep: (ms) =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
      }),
  };
}
