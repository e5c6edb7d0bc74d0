/**
 * Sessions this pod opened and has not seen end, for overload shedding and the in-flight gauge. A session that ends
 * on another pod (or is abandoned by its CPE) drops out when its TTL would have expired it from the store: the
 * count may run high for that long, never low, which is the safe side for shedding.
 */
export class SessionsInFlight {
  private readonly expiries = new Map<string, number>();
  private nextPurge = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  add(sessionId: string): void {
    this.expiries.set(sessionId, this.now() + this.ttlMs);
  }

  delete(sessionId: string): void {
    this.expiries.delete(sessionId);
  }

  size(): number {
    const now = this.now();
    // Purging walks the map: do it at most once a second, not per request.
    if (now >= this.nextPurge) {
      for (const [id, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(id);
      this.nextPurge = now + 1000;
    }
    return this.expiries.size;
  }
}
