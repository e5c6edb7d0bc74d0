import { PerDeviceLimiter, TokenBucket } from './rate-limiter';

describe('PerDeviceLimiter', () => {
  it('allows one request per device per interval and forgets devices whose window passed', () => {
    const clock = { now: 0 };
    const limiter = new PerDeviceLimiter(5000, () => clock.now);
    expect(limiter.isLimited('a')).toBe(false);
    limiter.record('a');
    clock.now = 4999;
    expect(limiter.isLimited('a')).toBe(true);
    expect(limiter.isLimited('b')).toBe(false);
    limiter.record('b');
    clock.now = 5000;
    expect(limiter.isLimited('a')).toBe(false);
    clock.now = 10_000;
    limiter.isLimited('c');
    expect(limiter.size).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('spends the burst, then refills at the configured rate', () => {
    const clock = { now: 0 };
    const bucket = new TokenBucket(10, 3, () => clock.now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    clock.now = 100; // one token at 10/s
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    clock.now = 60_000; // never more than the burst
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });
});
