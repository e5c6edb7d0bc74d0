import { PeriodicRounds, type Logger } from '@acs/platform';

import type { TimeOutRuns } from '../usecases/time-out-runs.usecase';

/**
 * Ends the runs past their deadline every `intervalMs` (ACS_DIAGNOSTICS_SWEEP_MS). Every pod sweeps: a run ends once
 * whoever gets there first (the end is conditional on it still running), so no lease is needed.
 */
export class RunTimeoutSweeper {
  private readonly rounds: PeriodicRounds;

  constructor(timeOutRuns: Pick<TimeOutRuns, 'execute'>, options: { intervalMs: number }, logger: Logger) {
    this.rounds = new PeriodicRounds({ intervalMs: options.intervalMs, round: () => timeOutRuns.execute(), name: 'diagnostic run timeout sweep', logger });
  }

  start(): void {
    this.rounds.start();
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }
}
