import type { Logger } from '@acs/platform';
import type { RolloutEngine } from '@acs/rollout';

export interface CampaignSchedulerOptions {
  /** How often every running campaign is ticked (ACS_FIRMWARE_TICK_MS): windows opening, back-offs, timeouts, rates. */
  intervalMs: number;
}

/**
 * Ticks every running campaign on an interval (the engine decides what starts; outcomes tick their campaign at once
 * too), then finishes any creation a dead pod left half done. One tick round at a time; a failing round is logged and the next one tries again. The engine keeps nothing
 * between ticks, so a pod that stops and another that starts simply go on from the store.
 */
export class CampaignScheduler {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly engine: Pick<RolloutEngine, 'tickAll'>,
    /** Finishes campaign creations whose pod died (CampaignCore.resumeCreations). */
    private readonly resumeCreations: () => Promise<number>,
    private readonly options: CampaignSchedulerOptions,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Waits for a round in progress: no executor call starts after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.engine
        .tickAll()
        .then(() => this.resumeCreations())
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'campaign tick round failed; the next round tries again'))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
