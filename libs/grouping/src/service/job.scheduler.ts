import { PeriodicRounds, type Logger } from '@acs/platform';

export interface JobSchedulerOptions {
  /** How often a round runs (ACS_GROUPING_JOB_TICK_MS): runs ticked, due runs started, interrupted starts finished. */
  intervalMs: number;
}

/**
 * Runs the jobs' rounds (JobCore.round) on an interval, one at a time; a failing round is logged and the next one
 * tries again. Every pod runs one: the engine's lease makes one pod drive each run, and the insert of a run's id makes
 * one pod start each occurrence. Nothing is kept between rounds, so a pod that stops and another that starts go on
 * from the store.
 */
export class JobScheduler {
  private readonly rounds: PeriodicRounds;

  constructor(runRound: () => Promise<void>, options: JobSchedulerOptions, logger: Pick<Logger, 'warn'>) {
    this.rounds = new PeriodicRounds({ intervalMs: options.intervalMs, name: 'job round', logger, round: runRound });
  }

  start(): void {
    this.rounds.start();
  }

  /** Waits for a round in progress: no task is created after this resolves. */
  stop(): Promise<void> {
    return this.rounds.stop();
  }
}
