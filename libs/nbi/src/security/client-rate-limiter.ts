import type { ClientRateLimit } from './client-registry';

export interface RateLimit {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls allowed at once after a quiet period (the bucket's size). */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number; limit: RateLimit };

interface Bucket {
  limit: RateLimit;
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client, in this process only. With N NBI pods behind a balancer a client gets up to N times its
 * limit: the chosen trade-off, since a shared counter (Redis) would put a network round trip on every call's hot path
 * and make the API fail when that store is away. Buckets are keyed by client name; one whose limit changed (the client
 * file was edited) starts afresh, full.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly defaults: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one call from the client's bucket, or says how long until one is available. */
  take(client: string, own?: ClientRateLimit): RateDecision {
    const limit = { perSecond: own?.perSecond ?? this.defaults.perSecond, burst: own?.burst ?? this.defaults.burst };
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (!bucket || bucket.limit.perSecond !== limit.perSecond || bucket.limit.burst !== limit.burst) {
      bucket = { limit, tokens: limit.burst, updatedAt: now };
      this.buckets.set(client, bucket);
    } else {
      const elapsedMs = Math.max(0, now - bucket.updatedAt);
      bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsedMs * limit.perSecond) / 1000);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / limit.perSecond), limit };
  }

  /** Drops the buckets of clients no longer in the registry (called after a reload), so memory follows the file. */
  retain(clients: Iterable<string>): void {
    const keep = new Set(clients);
    for (const name of this.buckets.keys()) if (!keep.has(name)) this.buckets.delete(name);
  }
}
