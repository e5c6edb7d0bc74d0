import type { SessionCloseReason } from '@acs/contracts';
import type { Logger } from '@acs/platform';

/** How often the summary line is written while there is traffic. */
export const SESSION_SUMMARY_INTERVAL_MS = 60_000;

interface Counts {
  opened: number;
  closed: Partial<Record<SessionCloseReason, number>>;
  failed: number;
  rpcs: number;
  bootstraps: number;
  authFailures: number;
  rejected: number;
}

const empty = (): Counts => ({ opened: 0, closed: {}, failed: 0, rpcs: 0, bootstraps: 0, authFailures: 0, rejected: 0 });

/**
 * One info line a minute saying what the CWMP sessions of that minute did, in place of a line per session: a busy
 * pod would otherwise write megabytes a minute that say, one by one, what this line says in one. Per-session lines
 * stay, at debug (ACS_LOG_LEVEL=debug). Nothing is written for a minute without traffic.
 */
export class SessionSummary {
  private counts = empty();
  private periodStart: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.periodStart = now();
  }

  opened(events: readonly string[]): void {
    this.counts.opened += 1;
    // A device's first contact (or a factory reset): the count of devices new to the ACS, give or take re-bootstraps.
    if (events.includes('0 BOOTSTRAP')) this.counts.bootstraps += 1;
  }

  closed(reason: SessionCloseReason, rpcs: number, failed: boolean): void {
    this.counts.closed[reason] = (this.counts.closed[reason] ?? 0) + 1;
    this.counts.rpcs += rpcs;
    if (failed) this.counts.failed += 1;
  }

  authFailed(): void {
    this.counts.authFailures += 1;
  }

  rejected(): void {
    this.counts.rejected += 1;
  }

  /** Writes the line for the period now ending, if anything happened in it, and starts the next period. */
  write(): void {
    const counts = this.counts;
    const now = this.now();
    const periodMs = now - this.periodStart;
    this.counts = empty();
    this.periodStart = now;
    const closed = Object.values(counts.closed).reduce((sum, n) => sum + n, 0);
    if (counts.opened + closed + counts.authFailures + counts.rejected === 0) return;
    this.logger.info(
      {
        periodSeconds: Math.round(periodMs / 1000),
        sessions: counts.opened,
        sessionsPerSecond: periodMs > 0 ? Math.round((counts.opened / periodMs) * 10_000) / 10 : 0,
        closed: counts.closed,
        failed: counts.failed,
        rpcs: counts.rpcs,
        bootstraps: counts.bootstraps,
        authFailures: counts.authFailures,
        rejectedRequests: counts.rejected,
      },
      'CWMP sessions',
    );
  }

  start(intervalMs = SESSION_SUMMARY_INTERVAL_MS): void {
    if (this.timer) return;
    this.periodStart = this.now();
    this.timer = setInterval(() => this.write(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what the last, partial period did. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.write();
  }
}
