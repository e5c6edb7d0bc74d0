import { LogThrottle } from './log-throttle';

describe('LogThrottle', () => {
  it('writes at most perSecond lines a second and tells the next line how many it held back', () => {
    let now = 0;
    const throttle = new LogThrottle(2, () => now);
    expect([throttle.take(), throttle.take(), throttle.take(), throttle.take()]).toEqual([
      { write: true, suppressed: 0 },
      { write: true, suppressed: 0 },
      { write: false },
      { write: false },
    ]);
    now = 999;
    expect(throttle.take()).toEqual({ write: false });
    now = 1000;
    expect(throttle.take()).toEqual({ write: true, suppressed: 3 });
    expect(throttle.take()).toEqual({ write: true, suppressed: 0 });
  });
});
