import type { Logger } from '../logging/logger';

export interface PeriodicRoundsOptions {
  /** Time between the end of one round and the start of the next. */
  intervalMs: number;
  /** One round of the work; a rejection is logged and the next round tries again. */
  round: () => Promise<unknown>;
  /** What the warn line calls a failed round (`campaign tick round`, `job round`). */
  name: string;
  logger: Pick<Logger, 'warn'>;
}

/**
 * A round of work every `intervalMs`, one at a time: the next is scheduled when the previous one has ended, so a slow
 * round delays the next instead of piling up. Used by the services' schedulers that drive stored work (campaigns, jobs):
 * they keep nothing between rounds, so a pod that stops and another that starts go on from the store.
 */
export class PeriodicRounds {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopped = true;

  constructor(private readonly options: PeriodicRoundsOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** No round starts after this; resolves once a round in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.options
        .round()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, `${this.options.name} failed; the next round tries again`))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
