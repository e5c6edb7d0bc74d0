/**
 * Keeps a log line that callers can trigger at will (an anonymous client hammering the API without credentials) to
 * at most `perSecond` lines a second. Lines over the limit are counted, not written; the next line written carries
 * that count as `suppressed`, so the log still says how many there were. The refusals themselves are all counted in
 * the metrics.
 */
export class LogThrottle {
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether to write this line now; when yes, how many lines were held back since the last one written. */
  take(): { write: true; suppressed: number } | { write: false } {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written >= this.perSecond) {
      this.suppressed += 1;
      return { write: false };
    }
    this.written += 1;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { write: true, suppressed };
  }
}
