import { ClientStreamLimiter } from './client-stream-limiter';

describe('ClientStreamLimiter', () => {
  it('lets each client hold up to its cap of streams, and a released place be taken again', () => {
    const limiter = new ClientStreamLimiter(2);
    expect([limiter.acquire('oss'), limiter.acquire('oss'), limiter.acquire('oss')]).toEqual([true, true, false]);
    expect(limiter.acquire('billing')).toBe(true);
    limiter.release('oss');
    expect(limiter.held('oss')).toBe(1);
    expect(limiter.acquire('oss')).toBe(true);
    limiter.release('oss');
    limiter.release('oss');
    limiter.release('oss');
    expect(limiter.held('oss')).toBe(0);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new ClientStreamLimiter(0)).toThrow(RangeError);
  });
});
