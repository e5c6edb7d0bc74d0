export interface LogThrottleOptions {
  /** Lines written per key per interval; the rest are counted. */
  linesPerKey: number;
  intervalMs: number;
  /**
   * Keys tracked at once: a source that changes its address or device id with every request must not grow the map
   * without end. When full, the key whose window started longest ago is forgotten (its held-back count is kept for
   * the next report of quiet keys).
   */
  maxKeys: number;
  /** Lines written per interval over all keys: many sources at once are still a bounded number of lines. */
  linesPerInterval?: number;
  now?: () => number;
}

interface KeyState {
  windowStart: number;
  written: number;
  suppressed: number;
}

export type ThrottleVerdict = { write: true; suppressed: number } | { write: false };

/**
 * Keeps a line that others can cause at will (a CPE with a wrong password, a client without a token, a device sending
 * broken XML) to `linesPerKey` lines per key per interval, the key naming the source. Lines over the limit are counted,
 * not written; the next line written for that key carries the count, and `quiet()` hands over the counts of keys that
 * went quiet before writing another line, so the log always says how many there were.
 */
export class LogThrottle {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  private globalWindowStart = Number.NEGATIVE_INFINITY;
  private globalWritten = 0;
  /** Held-back counts of keys forgotten to make room, reported with the quiet keys. */
  private evictedSuppressed = 0;

  constructor(private readonly options: LogThrottleOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Whether to write this key's line now; when yes, how many of its lines were held back since the last one written. */
  take(key: string): ThrottleVerdict {
    const now = this.now();
    const { intervalMs, linesPerKey, linesPerInterval } = this.options;
    let state = this.keys.get(key);
    if (state && now - state.windowStart >= intervalMs) {
      // A new window: moved to the end of the map, which is kept in window-start order for eviction.
      this.keys.delete(key);
      state = { windowStart: now, written: 0, suppressed: state.suppressed };
      this.keys.set(key, state);
    }
    if (!state) {
      this.makeRoom();
      state = { windowStart: now, written: 0, suppressed: 0 };
      this.keys.set(key, state);
    }
    if (now - this.globalWindowStart >= intervalMs) {
      this.globalWindowStart = now;
      this.globalWritten = 0;
    }
    if (state.written >= linesPerKey || (linesPerInterval !== undefined && this.globalWritten >= linesPerInterval)) {
      state.suppressed += 1;
      return { write: false };
    }
    state.written += 1;
    this.globalWritten += 1;
    const suppressed = state.suppressed;
    state.suppressed = 0;
    return { write: true, suppressed };
  }

  /**
   * Keys whose window is over, with the lines they held back that no written line has reported yet; those keys are
   * forgotten. Keys over without anything held back are forgotten too. Call it once an interval. `all`: every key,
   * its window over or not (at shutdown).
   */
  quiet(all = false): Array<{ key: string; suppressed: number }> {
    const now = this.now();
    const report: Array<{ key: string; suppressed: number }> = [];
    for (const [key, state] of this.keys) {
      // Window-start order: the first key still in its window ends the scan.
      if (!all && now - state.windowStart < this.options.intervalMs) break;
      this.keys.delete(key);
      if (state.suppressed > 0) report.push({ key, suppressed: state.suppressed });
    }
    if (this.evictedSuppressed > 0) {
      report.push({ key: '(other sources)', suppressed: this.evictedSuppressed });
      this.evictedSuppressed = 0;
    }
    return report;
  }

  /** Keys tracked now (bounded by maxKeys). */
  get size(): number {
    return this.keys.size;
  }

  /** Whether anything held back waits to be reported. */
  get holding(): boolean {
    if (this.evictedSuppressed > 0) return true;
    for (const state of this.keys.values()) if (state.suppressed > 0) return true;
    return false;
  }

  private makeRoom(): void {
    if (this.keys.size < this.options.maxKeys) return;
    const oldest = this.keys.keys().next();
    if (oldest.done) return;
    this.evictedSuppressed += this.keys.get(oldest.value)!.suppressed;
    this.keys.delete(oldest.value);
  }
}

/** What ThrottledLog writes through: a pino Logger, or any logger with its warn(context, message). */
export interface WarningLogger {
  warn(context: object, message: string): void;
}

/**
 * A logger for warnings that repeat at a source's will: `warn(source, fields, msg)` writes through a LogThrottle keyed by
 * message and source, and adds `suppressed: n` when lines of that key were held back. Once an interval (a timer that
 * runs only while something is held back, and does not keep the process alive) it writes one line per message for
 * the sources that went quiet, with what each held back.
 */
export class ThrottledLog {
  private readonly throttle: LogThrottle;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: WarningLogger,
    private readonly options: LogThrottleOptions,
  ) {
    this.throttle = new LogThrottle(options);
  }

  /** `source`: who caused the line (an address, a device id, a client); `msg` and `source` together are the key. */
  warn(source: string, fields: Record<string, unknown>, msg: string): void {
    const verdict = this.throttle.take(`${msg}\u0000${source}`);
    if (!verdict.write) {
      this.armReport();
      return;
    }
    this.logger.warn(verdict.suppressed > 0 ? { ...fields, suppressed: verdict.suppressed } : fields, msg);
  }

  /** Writes the held-back counts of sources gone quiet (`all`: of every source): one line per message, sources by count. */
  reportQuiet(all = false): void {
    const byMessage = new Map<string, Array<{ source: string; suppressed: number }>>();
    for (const { key, suppressed } of this.throttle.quiet(all)) {
      const split = key.indexOf('\u0000');
      const msg = split < 0 ? key : key.slice(0, split);
      const source = split < 0 ? key : key.slice(split + 1);
      const list = byMessage.get(msg) ?? [];
      list.push({ source, suppressed });
      byMessage.set(msg, list);
    }
    for (const [msg, sources] of byMessage) {
      sources.sort((a, b) => b.suppressed - a.suppressed);
      const suppressed = sources.reduce((sum, s) => sum + s.suppressed, 0);
      // Bounded: the line names the 20 loudest sources and counts the rest.
      this.logger.warn({ suppressed, sources: sources.slice(0, 20), moreSources: Math.max(0, sources.length - 20) }, `${msg} (repeats held back)`);
    }
    if (!this.throttle.holding) this.disarm();
  }

  /** Reports what is held back now, quiet or not, and stops the timer: for shutdown. */
  close(): void {
    this.reportQuiet(true);
    this.disarm();
  }

  private armReport(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.reportQuiet(), this.options.intervalMs);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * The limits used for warnings a remote party can provoke: 5 lines per source a minute, 100 a minute over all
 * sources, 10,000 sources tracked.
 */
export const REMOTE_WARNING_LIMITS: Omit<LogThrottleOptions, 'now'> = { linesPerKey: 5, intervalMs: 60_000, maxKeys: 10_000, linesPerInterval: 100 };

/**
 * The host of a remote address as the CWMP server writes it, `host:port` (the port changes with every connection, the
 * source does not). IPv6 hosts keep their colons: only a trailing `:port` goes.
 */
export function remoteHost(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const match = /^(.*):\d+$/.exec(remoteAddress);
  return match && match[1].length > 0 ? match[1] : remoteAddress;
}
