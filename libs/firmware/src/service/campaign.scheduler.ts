import { PeriodicRounds, type Logger } from '@acs/platform';
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
  private readonly rounds: PeriodicRounds;

  constructor(
    engine: Pick<RolloutEngine, 'tickAll'>,
    /** Finishes campaign creations whose pod died (CampaignCore.resumeCreations). */
    resumeCreations: () => Promise<number>,
    options: CampaignSchedulerOptions,
    logger: Pick<Logger, 'warn'>,
  ) {
    this.rounds = new PeriodicRounds({ intervalMs: options.intervalMs, name: 'campaign tick round', logger, round: () => engine.tickAll().then(() => resumeCreations()) });
  }

  start(): void {
    this.rounds.start();
  }

  /** Waits for a round in progress: no executor call starts after this resolves. */
  stop(): Promise<void> {
    return this.rounds.stop();
  }
}
