import type { Logger } from '@acs/platform';

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
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly runRound: () => Promise<void>,
    private readonly options: JobSchedulerOptions,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Waits for a round in progress: no task is created after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'job round failed; the next round tries again'))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
