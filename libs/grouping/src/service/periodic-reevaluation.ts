import type { Logger } from '@acs/platform';

import type { LeaseRepository } from '@acs/platform';
import type { ReevaluateUneventedGroups, ReevaluationSummary } from '../usecases/reevaluate-unevented-groups.usecase';

/** The lease document (`grouping.leases`) of the periodic re-evaluation: its holder is the one pod doing it. */
export const REEVALUATION_LEASE = 'group-reevaluation';

export interface PeriodicReevaluationDeps {
  leases: LeaseRepository;
  reevaluate: Pick<ReevaluateUneventedGroups, 'execute'>;
  /** This pod's name (ACS_POD_NAME): the lease's owner. */
  owner: string;
  /** ACS_GROUPING_REEVALUATE_MS; 0 turns the re-evaluation off. */
  intervalMs: number;
  now: () => number;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Every `intervalMs`, on every grouping pod: the pod holding the lease (or taking it, free or expired) re-evaluates the
 * groups no event keeps current; the others do nothing. The lease lasts two periods, renewed at each turn, so a pod
 * that dies hands the work over within three periods and a pod never shares it with a live holder. A run longer
 * than a period makes the turns during it pass.
 */
export class PeriodicReevaluation {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly deps: PeriodicReevaluationDeps) {}

  start(): void {
    if (this.deps.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.turn(), this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the turns, waits for a run in progress, and gives the lease up so another pod takes it at its next turn. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.deps.leases.release(REEVALUATION_LEASE, this.deps.owner).catch((error: unknown) => this.deps.logger.warn({ err: error }, 're-evaluation lease not released; it expires'));
  }

  /** One turn: the re-evaluation's summary when this pod held the lease and ran it, null when it did not. */
  async turn(): Promise<ReevaluationSummary | null> {
    if (this.running) return null;
    const work = this.runIfHolder();
    this.running = work;
    try {
      return await work;
    } finally {
      this.running = null;
    }
  }

  private async runIfHolder(): Promise<ReevaluationSummary | null> {
    const { leases, owner, intervalMs, now, logger } = this.deps;
    try {
      const at = now();
      if (!(await leases.acquire(REEVALUATION_LEASE, owner, at, at + 2 * intervalMs))) return null;
      const started = now();
      const summary = await this.deps.reevaluate.execute();
      logger.info({ ...summary, ms: now() - started }, 'groups no event keeps current re-evaluated');
      return summary;
    } catch (error) {
      logger.warn({ err: error }, 'periodic re-evaluation failed; retried at the next period');
      return null;
    }
  }
}
