import { BandwidthLimiter, reserveAll } from './bandwidth-limiter';

describe('BandwidthLimiter', () => {
  let now = 0;
  const clock = () => now;

  it('lets the burst through at once, then makes each reservation wait for its bytes at the rate', () => {
    const limiter = new BandwidthLimiter(1000, clock, 500);
    expect(limiter.reserve(500)).toBe(0);
    expect(limiter.reserve(250)).toBe(250);
    // Two transfers sharing the bucket each wait for the debt so far: together they keep to the rate.
    expect(limiter.reserve(250)).toBe(500);
    now = 500;
    expect(limiter.reserve(100)).toBe(100);
  });

  it('stores no more than the burst over an idle spell', () => {
    now = 0;
    const limiter = new BandwidthLimiter(1000, clock, 500);
    now = 60_000;
    expect(limiter.reserve(1500)).toBe(1000);
  });

  it('waits for the slowest of the limiters a chunk goes through; rate 0 is unlimited', () => {
    now = 0;
    const unlimited = new BandwidthLimiter(0, clock);
    expect(unlimited.unlimited).toBe(true);
    expect(unlimited.reserve(1e12)).toBe(0);
    expect(reserveAll([new BandwidthLimiter(1000, clock, 0), new BandwidthLimiter(100, clock, 0)], 100)).toBe(1000);
  });
});
