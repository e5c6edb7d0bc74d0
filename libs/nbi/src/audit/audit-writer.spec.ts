import { Registry } from 'prom-client';

import type { AuditEntry, AuditLog, AuditQuery } from './audit-log.port';
import { AuditWriter, auditWriterMetrics } from './audit-writer';
import { auditEntry } from './testing/audit-log.contract';

/** An audit log whose store can be taken away; it records what reached it, in order. */
class FlakyAuditLog implements AuditLog {
  readonly stored: AuditEntry[] = [];
  down = false;
  attempts = 0;

  async record(entry: AuditEntry): Promise<void> {
    this.attempts++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down) throw new Error('audit store unreachable');
    this.stored.push(entry);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.stored.slice(-query.limit).reverse();
  }

  async ping(): Promise<void> {
    if (this.down) throw new Error('audit store unreachable');
  }

  async close(): Promise<void> {}
}

interface LogLine {
  level: string;
  context: Record<string, unknown>;
  message: string;
}

function recordingLogger(): { lines: LogLine[]; warn: (c: object, m: string) => void; error: (c: object, m: string) => void; info: (c: object, m: string) => void } {
  const lines: LogLine[] = [];
  const push = (level: string) => (context: object, message: string) => lines.push({ level, context: context as Record<string, unknown>, message });
  return { lines, warn: push('warn'), error: push('error'), info: push('info') };
}

const ids = (entries: AuditEntry[]) => entries.map((entry) => entry.id);

describe('AuditWriter', () => {
  it('writes entries in the order they come', async () => {
    const log = new FlakyAuditLog();
    const writer = new AuditWriter(log, recordingLogger());
    const entries = Array.from({ length: 5 }, () => auditEntry());
    await Promise.all(entries.map((entry) => writer.record(entry)));
    expect(ids(log.stored)).toEqual(ids(entries));
    expect(writer.pendingCount).toBe(0);
    await writer.close();
  });

  it('keeps entries while the store is away, never failing the caller, and writes them in order once it is back', async () => {
    // The retry timers run on a fake clock: how many retries fit in a stretch of time must not depend on how busy
    // the machine is. The store's own answer (setImmediate) stays real.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      await storeAwayAndBack();
    } finally {
      jest.useRealTimers();
    }
  });

  async function storeAwayAndBack(): Promise<void> {
    const log = new FlakyAuditLog();
    const logger = recordingLogger();
    const registry = new Registry();
    const writer = new AuditWriter(log, logger, { retryDelayMs: 10, maxRetryDelayMs: 40, ...auditWriterMetrics(registry) });
    const before = auditEntry();
    await writer.record(before);
    log.down = true;
    const during = Array.from({ length: 4 }, () => auditEntry());
    for (const entry of during) await expect(writer.record(entry)).resolves.toBeUndefined();
    expect(writer.pendingCount).toBe(4);
    expect(logger.lines.find((line) => line.level === 'warn')?.message).toBe('NBI audit entries could not be written; kept and retried');
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.find((m) => m.name === 'acs_nbi_audit_pending_entries')?.values[0].value).toBe(4);

    // Retries back off while the store stays away.
    const attempts = log.attempts;
    await jest.advanceTimersByTimeAsync(120);
    expect(log.attempts - attempts).toBeGreaterThanOrEqual(2);
    expect(log.attempts - attempts).toBeLessThanOrEqual(6);

    log.down = false;
    // The next retry is at most maxRetryDelayMs away; then each write takes one turn of the event loop.
    await jest.advanceTimersByTimeAsync(40);
    for (let turn = 0; turn < 100 && writer.pendingCount > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(writer.pendingCount).toBe(0);
    expect(ids(log.stored)).toEqual(ids([before, ...during]));
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', context: { written: 4 } });
    const after = await registry.getMetricsAsJSON();
    expect(after.find((m) => m.name === 'acs_nbi_audit_pending_entries')?.values[0].value).toBe(0);
    expect(after.find((m) => m.name === 'acs_nbi_audit_write_failures_total')?.values[0].value).toBeGreaterThanOrEqual(2);
    await writer.close();
  }

  it('past maxPending, drops the oldest waiting entries into the process log in full', async () => {
    const log = new FlakyAuditLog();
    const logger = recordingLogger();
    const registry = new Registry();
    log.down = true;
    const writer = new AuditWriter(log, logger, { maxPending: 3, retryDelayMs: 10_000, ...auditWriterMetrics(registry) });
    const entries = Array.from({ length: 5 }, () => auditEntry());
    for (const entry of entries) await writer.record(entry);
    expect(writer.pendingCount).toBe(3);
    const dropped = logger.lines.filter((line) => line.level === 'error').map((line) => line.context.auditEntry);
    expect(dropped).toEqual(entries.slice(0, 2));
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.find((m) => m.name === 'acs_nbi_audit_entries_dropped_total')?.values[0].value).toBe(2);
    await writer.close();
  });

  it('at close, writes what waits if the store came back, else logs each entry in full', async () => {
    const log = new FlakyAuditLog();
    log.down = true;
    const writer = new AuditWriter(log, recordingLogger(), { retryDelayMs: 10_000, closeTimeoutMs: 1000 });
    const waiting = [auditEntry(), auditEntry()];
    for (const entry of waiting) await writer.record(entry);
    log.down = false;
    await writer.close();
    expect(ids(log.stored)).toEqual(ids(waiting));

    const gone = new FlakyAuditLog();
    gone.down = true;
    const logger = recordingLogger();
    const stuck = new AuditWriter(gone, logger, { retryDelayMs: 10, closeTimeoutMs: 50 });
    const lost = auditEntry();
    await stuck.record(lost);
    await stuck.close();
    const errors = logger.lines.filter((line) => line.level === 'error');
    expect(errors[0]).toMatchObject({ context: { entries: 1 }, message: 'audit store unavailable at shutdown; the entries still waiting follow in this log' });
    expect(errors.slice(1).map((line) => line.context.auditEntry)).toEqual([lost]);
    expect(stuck.pendingCount).toBe(0);

    // After close, an entry still goes to the process log rather than nowhere.
    const late = auditEntry();
    await stuck.record(late);
    expect(logger.lines.at(-1)?.context.auditEntry).toEqual(late);
  });
});
