import type { RateLimit } from './client-rate-limiter';

export type PeerDecision = { throttled: false } | { throttled: true; retryAfterMs: number; limit: RateLimit };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Calls that fail authentication, counted per peer address (sourceAddressOf: IPv4, or an IPv6 /64) in a token bucket:
 * each failure takes a token, tokens come back at `perSecond`; a peer with no token left is throttled until one is
 * back. In this process only, like ClientRateLimiter and for the same reason — no store round trip on a call's path;
 * with N NBI pods a peer gets up to N times the allowance.
 *
 * Memory is bounded: a bucket that has refilled is the same as none and is dropped when met, and past `maxPeers` the
 * least recently failed peers are forgotten first (a flood from many addresses then throttles less, never more).
 */
export class UnauthenticatedPeerLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly maxPeers = 10_000,
  ) {}

  /** Whether the peer has used up its failed calls; takes nothing. */
  check(peer: string): PeerDecision {
    const bucket = this.refilled(peer);
    if (!bucket || bucket.tokens >= 1) return { throttled: false };
    return { throttled: true, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / this.limit.perSecond), limit: this.limit };
  }

  /** Counts one call of the peer that failed authentication. */
  failed(peer: string): void {
    const bucket = this.refilled(peer) ?? { tokens: this.limit.burst, updatedAt: this.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.delete(peer);
    this.buckets.set(peer, bucket);
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= this.maxPeers) break;
      this.buckets.delete(oldest);
    }
  }

  /** Peers with a bucket now (for tests of the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(peer: string): Bucket | undefined {
    const bucket = this.buckets.get(peer);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (Math.max(0, now - bucket.updatedAt) * this.limit.perSecond) / 1000);
    bucket.updatedAt = now;
    if (bucket.tokens >= this.limit.burst) {
      this.buckets.delete(peer);
      return undefined;
    }
    return bucket;
  }
}
