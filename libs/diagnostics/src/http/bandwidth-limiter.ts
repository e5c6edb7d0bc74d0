/**
 * A token bucket in bytes per second, by reservation: `reserve(n)` takes n bytes' worth of tokens at once (the balance
 * may go below zero) and says how long to wait before sending them, so transfers sharing one bucket each wait for
 * their own debt and together stay at the rate. The bucket holds at most `burstBytes`, so an idle spell does not let a
 * later transfer exceed the rate for long. Rate 0 means unlimited. Written by hand: a
 * dozen lines over bytes, with the clock injected.
 */
export class BandwidthLimiter {
  private balance: number;
  private updatedAt: number;

  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly burstBytes = Math.max(16 * 1024, bytesPerSecond / 20),
  ) {
    this.balance = burstBytes;
    this.updatedAt = now();
  }

  get unlimited(): boolean {
    return this.bytesPerSecond <= 0;
  }

  /** Milliseconds to wait before sending `bytes` (0: now). */
  reserve(bytes: number): number {
    if (this.unlimited) return 0;
    const now = this.now();
    this.balance = Math.min(this.burstBytes, this.balance + ((now - this.updatedAt) * this.bytesPerSecond) / 1000);
    this.updatedAt = now;
    this.balance -= bytes;
    return this.balance >= 0 ? 0 : (-this.balance * 1000) / this.bytesPerSecond;
  }
}

/** The wait before a chunk passes every limiter it goes through (the shared one and the transfer's own). */
export function reserveAll(limiters: readonly BandwidthLimiter[], bytes: number): number {
  let wait = 0;
  for (const limiter of limiters) wait = Math.max(wait, limiter.reserve(bytes));
  return wait;
}
