import { metricOf } from '@acs/platform';
import { Counter, Gauge, type Registry } from 'prom-client';

import type { AuditEntry, AuditLog } from './audit-log.port';

export interface AuditWriterOptions {
  /** Entries held while the audit store is away; past this the oldest are dropped (and logged in full). */
  maxPending?: number;
  /** First wait before writing again after a failure; doubled on each failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** How long `close()` keeps trying to write what is pending before logging it in full. */
  closeTimeoutMs?: number;
  /** Told about each failed write, for a counter. */
  onWriteFailure?: () => void;
  /** Told about the number of entries waiting, whenever it changes, for a gauge. */
  onPendingChange?: (pending: number) => void;
  /** Told about each entry dropped, for a counter. */
  onDropped?: () => void;
}

export interface AuditWriterLogger {
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
  info(context: object, message: string): void;
}

/**
 * Puts audit entries into the audit log without ever holding up or failing the call they describe, and without
 * losing them when the log's store is away for a while: an entry that cannot be written waits, in order, with the
 * ones after it, and they are written when the store answers again (retries back off from `retryDelayMs` to
 * `maxRetryDelayMs`). Adapters' `record` is idempotent by entry id where a retry could repeat a write that landed.
 *
 * What waits is held in memory, up to `maxPending` entries (about 500 bytes each); beyond that the oldest go, each
 * written in full to the process log at error level, as is whatever is still waiting when the process stops and the
 * store is still away. So an entry is either in the audit log or in the process log, never nowhere.
 */
export class AuditWriter {
  private readonly pending: AuditEntry[] = [];
  private readonly maxPending: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private delayMs: number;
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly log: AuditLog,
    private readonly logger: AuditWriterLogger,
    private readonly options: AuditWriterOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 100_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.delayMs = this.retryDelayMs;
  }

  /** Entries waiting for the store. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Queues the entry and starts writing; never throws. Resolves when this entry is written or left waiting. */
  record(entry: AuditEntry): Promise<void> {
    if (this.closed) {
      this.logger.error({ auditEntry: entry }, 'NBI audit entry arrived after the audit writer closed; logged here instead');
      return Promise.resolve();
    }
    this.pending.push(entry);
    if (this.pending.length > this.maxPending) this.drop(this.pending.length - this.maxPending);
    this.options.onPendingChange?.(this.pending.length);
    // While a retry is scheduled, the entry waits its turn behind the ones already waiting.
    return this.timer ? Promise.resolve() : this.flush();
  }

  /** Writes what is waiting, for up to `closeTimeoutMs`, then logs in full whatever is left. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + (this.options.closeTimeoutMs ?? 5000);
    await this.flushing;
    while (this.pending.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(this.retryDelayMs, Math.max(0, deadline - Date.now()))));
    }
    if (this.pending.length > 0) {
      this.logger.error({ entries: this.pending.length }, 'audit store unavailable at shutdown; the entries still waiting follow in this log');
      this.drop(this.pending.length);
      this.options.onPendingChange?.(0);
    }
  }

  /** One pass over what is waiting, oldest first, until it is empty or a write fails. */
  private flush(): Promise<void> {
    this.flushing ??= this.writePending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    const recovering = this.delayMs > this.retryDelayMs;
    let written = 0;
    while (this.pending.length > 0) {
      const entry = this.pending[0];
      try {
        await this.log.record(entry);
      } catch (error) {
        this.options.onWriteFailure?.();
        this.scheduleRetry(error);
        return;
      }
      // Dropped meanwhile (the queue overflowed while this write was in flight): it is no longer first.
      if (this.pending[0] === entry) this.pending.shift();
      written++;
      this.options.onPendingChange?.(this.pending.length);
    }
    if (recovering) this.logger.info({ written }, 'audit store answering again; waiting audit entries written');
    this.delayMs = this.retryDelayMs;
  }

  private scheduleRetry(error: unknown): void {
    if (this.closed) return;
    this.logger.warn({ err: error, pending: this.pending.length, retryInMs: this.delayMs }, 'NBI audit entries could not be written; kept and retried');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, this.maxRetryDelayMs);
  }

  private drop(count: number): void {
    for (const entry of this.pending.splice(0, count)) {
      this.options.onDropped?.();
      this.logger.error({ auditEntry: entry }, 'NBI audit entry could not be written to the audit store; logged here instead');
    }
  }
}

/** The writer's counters and gauge on a Prometheus registry, as AuditWriterOptions callbacks. */
export function auditWriterMetrics(registry: Registry): Pick<AuditWriterOptions, 'onWriteFailure' | 'onPendingChange' | 'onDropped'> {
  const failures = metricOf(
    registry,
    'acs_nbi_audit_write_failures_total',
    () => new Counter({ name: 'acs_nbi_audit_write_failures_total', help: 'Audit writes that failed (the entries are kept and retried)', registers: [registry] }),
  );
  const pending = metricOf(
    registry,
    'acs_nbi_audit_pending_entries',
    () => new Gauge({ name: 'acs_nbi_audit_pending_entries', help: 'Audit entries waiting for the audit store', registers: [registry] }),
  );
  const dropped = metricOf(
    registry,
    'acs_nbi_audit_entries_dropped_total',
    () =>
      new Counter({
        name: 'acs_nbi_audit_entries_dropped_total',
        help: 'Audit entries that could not be kept for the audit store (too many waiting, or still waiting at shutdown); each is in the process log',
        registers: [registry],
      }),
  );
  return { onWriteFailure: () => failures.inc(), onPendingChange: (count) => pending.set(count), onDropped: () => dropped.inc() };
}
