import { RunState, type DiagnosticRun } from '../domain/diagnostic-run';
import { endRun } from './end-run';
import type { RunUseCaseDeps } from './run-usecase-deps';

/** Runs timed out per round at most; a backlog is worked through over the next rounds. */
const BATCH = 100;

/**
 * The sweeper's round: every running run past its deadline ends timed out (state `Timeout`), its read task cancelled
 * and its object freed, with test-failed published. Safe on several pods at once: each run ends once. How many ended.
 */
export class TimeOutRuns {
  constructor(private readonly deps: RunUseCaseDeps) {}

  async execute(): Promise<number> {
    const overdue = await this.deps.store.runs.overdue(this.deps.now(), BATCH);
    let ended = 0;
    for (const run of overdue) {
      if (await endRun(this.deps, run, { status: 'timedOut', state: RunState.timeout, reason: timeoutReason(run) })) ended++;
    }
    if (ended > 0) this.deps.logger.info({ runs: ended }, 'diagnostic runs timed out');
    return ended;
  }
}

function timeoutReason(run: DiagnosticRun): string {
  const seconds = Math.round((run.deadline - run.createdAt) / 1000);
  const never = `the device never reported 8 DIAGNOSTICS COMPLETE within ${seconds} s`;
  return run.startedAt === undefined ? `${never}; it did not even take the test's inputs (it did not connect, or did not answer the SetParameterValues)` : never;
}
