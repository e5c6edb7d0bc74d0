/**
 * At most one connection request per device per interval. A CPE that was just asked to connect either is on its way
 * (TR-069 gives it 30 s) or will not come; asking again at once only trips the CPE's own rate limit (503).
 * In-process state: every gateway pod keeps its own, which is enough because a device's wake-up command reaches
 * one pod (the bus is keyed by device id), so a device's requests normally meet the same limiter.
 */
export class PerDeviceLimiter {
  private readonly last = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the device was asked less than an interval ago. */
  isLimited(deviceId: string): boolean {
    const now = this.now();
    this.sweep(now);
    const previous = this.last.get(deviceId);
    return previous !== undefined && now - previous < this.intervalMs;
  }

  /** The device was asked now: its window starts. */
  record(deviceId: string): void {
    this.last.set(deviceId, this.now());
  }

  /** Devices currently inside their window. */
  get size(): number {
    return this.last.size;
  }

  // Forget devices whose window has passed, at most once per interval, so memory follows the request rate rather
  // than the fleet size.
  private sweep(now: number): void {
    if (now - this.lastSweep < this.intervalMs) return;
    this.lastSweep = now;
    for (const [deviceId, at] of this.last) if (now - at >= this.intervalMs) this.last.delete(deviceId);
  }
}

/**
 * A token bucket for the pod's total rate: `perSecond` tokens a second, up to `burst` saved. Protects the network
 * (and the CPEs' NAT gateways) when a mass operation queues work for a million devices at once. Per pod, like the
 * per-device limit: the pool's total is pods × perSecond.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number = perSecond,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
