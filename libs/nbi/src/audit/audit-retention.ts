/** What AuditRetention needs of an audit log: deleting what is older than a time. */
export interface PrunableAuditLog {
  deleteOlderThan(time: number): Promise<number>;
}

export interface AuditRetentionLogger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
}

/**
 * Keeps the audit log to a retention period: every `intervalMs` (and once at start) it deletes the entries older
 * than `retentionMs`. A failed run is logged and tried again at the next interval; the log only grows meanwhile.
 */
export class AuditRetention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly log: PrunableAuditLog,
    private readonly retentionMs: number,
    private readonly logger: AuditRetentionLogger,
    private readonly intervalMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.trigger();
    this.timer = setInterval(() => this.trigger(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass now (unless one is running); resolves when it is done. */
  runOnce(): Promise<void> {
    this.trigger();
    return this.running ?? Promise.resolve();
  }

  private trigger(): void {
    if (this.running) return;
    const cutoff = this.now() - this.retentionMs;
    this.running = this.log
      .deleteOlderThan(cutoff)
      .then(
        (deleted) => {
          if (deleted > 0) this.logger.info({ deleted, before: new Date(cutoff).toISOString() }, 'audit entries past their retention deleted');
        },
        (error: unknown) => this.logger.warn({ err: error }, 'audit retention run failed; trying again at the next interval'),
      )
      .finally(() => (this.running = undefined));
  }
}
