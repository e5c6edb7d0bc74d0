import { UnauthenticatedPeerLimiter } from './unauthenticated-peer-limiter';

describe('UnauthenticatedPeerLimiter', () => {
  const limit = { perSecond: 2, burst: 3 };

  it('throttles a peer once its failures used up the burst, and only that peer', () => {
    const clock = { now: 0 };
    const limiter = new UnauthenticatedPeerLimiter(limit, () => clock.now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('198.51.100.1')).toEqual({ throttled: false });
      limiter.failed('198.51.100.1');
    }
    expect(limiter.check('198.51.100.1')).toEqual({ throttled: true, retryAfterMs: 500, limit });
    expect(limiter.check('198.51.100.2')).toEqual({ throttled: false });
  });

  it('lets the peer in again as its allowance comes back, at the sustained rate', () => {
    const clock = { now: 0 };
    const limiter = new UnauthenticatedPeerLimiter(limit, () => clock.now);
    for (let i = 0; i < 10; i++) limiter.failed('p');
    expect(limiter.check('p')).toMatchObject({ throttled: true, retryAfterMs: 500 });
    clock.now += 250;
    expect(limiter.check('p')).toMatchObject({ throttled: true, retryAfterMs: 250 });
    clock.now += 250;
    expect(limiter.check('p')).toEqual({ throttled: false });
    // One more failure and it waits again; a quiet peer is forgotten once full.
    limiter.failed('p');
    expect(limiter.check('p')).toMatchObject({ throttled: true });
    clock.now += 10_000;
    expect(limiter.check('p')).toEqual({ throttled: false });
    expect(limiter.size).toBe(0);
  });

  it('keeps at most maxPeers buckets, forgetting the least recently failed', () => {
    const clock = { now: 0 };
    const limiter = new UnauthenticatedPeerLimiter({ perSecond: 1, burst: 1 }, () => clock.now, 2);
    for (const peer of ['a', 'b', 'c']) limiter.failed(peer);
    expect(limiter.size).toBe(2);
    expect(limiter.check('a')).toEqual({ throttled: false });
    expect(limiter.check('b')).toMatchObject({ throttled: true });
    expect(limiter.check('c')).toMatchObject({ throttled: true });
  });
});
