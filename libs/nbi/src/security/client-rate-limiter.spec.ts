import { ClientRateLimiter } from './client-rate-limiter';

describe('ClientRateLimiter', () => {
  let now = 0;
  const limiter = () => new ClientRateLimiter({ perSecond: 2, burst: 3 }, () => now);

  beforeEach(() => {
    now = 1_000;
  });

  it('allows a burst, then one call per 1/perSecond, and says when the next one is allowed', () => {
    const limits = limiter();
    expect([1, 2, 3].map(() => limits.take('oss').allowed)).toEqual([true, true, true]);
    expect(limits.take('oss')).toEqual({ allowed: false, retryAfterMs: 500, limit: { perSecond: 2, burst: 3 } });
    now += 200;
    expect(limits.take('oss')).toMatchObject({ allowed: false, retryAfterMs: 300 });
    now += 300;
    expect(limits.take('oss').allowed).toBe(true);
    expect(limits.take('oss').allowed).toBe(false);
  });

  it('refills up to the burst and no further', () => {
    const limits = limiter();
    for (let i = 0; i < 3; i++) limits.take('oss');
    now += 60_000;
    expect([1, 2, 3, 4].map(() => limits.take('oss').allowed)).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per client', () => {
    const limits = limiter();
    for (let i = 0; i < 3; i++) limits.take('oss');
    expect(limits.take('oss').allowed).toBe(false);
    expect(limits.take('billing').allowed).toBe(true);
  });

  it("uses the client's own limit, and starts afresh when it changes", () => {
    const limits = limiter();
    expect(limits.take('batch', { burst: 1 }).allowed).toBe(true);
    expect(limits.take('batch', { burst: 1 })).toEqual({ allowed: false, retryAfterMs: 500, limit: { perSecond: 2, burst: 1 } });
    expect(limits.take('batch', { burst: 1, perSecond: 10 }).allowed).toBe(true);
    expect(limits.take('batch', { burst: 1, perSecond: 10 })).toMatchObject({ allowed: false, retryAfterMs: 100 });
  });

  it('forgets clients no longer registered', () => {
    const limits = limiter();
    for (let i = 0; i < 3; i++) limits.take('gone');
    limits.retain(['oss']);
    expect(limits.take('gone').allowed).toBe(true);
  });
});
