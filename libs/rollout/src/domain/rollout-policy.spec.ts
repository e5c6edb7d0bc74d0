import { ValidationError } from '@acs/platform';

import { thresholdCrossed } from './failure-threshold';
import { nextStartFreedAt, recordStarts, startsAllowed } from './rate-limit';
import { retryBackoffMs, validateRolloutPolicy, type RolloutPolicy } from './rollout-policy';
import { waveMeetsCriteria, waveSize } from './waves';

const valid: RolloutPolicy = {
  waves: { canary: 10, step: { percent: 25 }, minSuccessPercent: 95, soakMs: 0 },
  windows: [{ days: ['mon'], start: '22:00', end: '04:00' }],
  timeZone: 'Europe/Paris',
  concurrency: 50,
  startsPerMinute: 120,
  mode: 'active',
  retry: { maxAttempts: 3, initialBackoffMs: 60_000, multiplier: 2, maxBackoffMs: 600_000 },
  attemptTimeoutMs: 1_800_000,
  failureThreshold: { limit: { percent: 10 }, over: { lastFinished: 100 }, minFinished: 20 },
};

describe('validateRolloutPolicy', () => {
  it('accepts a complete policy', () => {
    expect(validateRolloutPolicy(valid)).toEqual(valid);
    const { windows: _none, ...withoutWindows } = valid;
    expect(validateRolloutPolicy(withoutWindows as RolloutPolicy).windows).toEqual([]);
  });

  it('names every wrong field at once', () => {
    const wrong = {
      ...valid,
      waves: { ...valid.waves, canary: -1 },
      timeZone: 'Mars/Olympus',
      windows: [{ days: ['someday'], start: '25:00', end: '04:00' }],
      concurrency: 0,
      mode: 'eager',
      failureThreshold: { limit: { percent: 0 }, over: { lastFinished: 0 }, minFinished: 1 },
    } as unknown as RolloutPolicy;
    let error: unknown;
    try {
      validateRolloutPolicy(wrong);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldViolations.map((v) => v.field).sort()).toEqual(
      [
        'policy.concurrency',
        'policy.failureThreshold.limit.percent',
        'policy.failureThreshold.over.lastFinished',
        'policy.mode',
        'policy.timeZone',
        'policy.waves.canary',
        'policy.windows[0].days',
        'policy.windows[0].start',
      ].sort(),
    );
  });

  it('refuses a window that starts and ends at the same time', () => {
    expect(() => validateRolloutPolicy({ ...valid, windows: [{ days: ['mon'], start: '03:00', end: '03:00' }] })).toThrow(/same time/);
  });
});

describe('retry back-off', () => {
  it('grows by the multiplier up to the maximum', () => {
    const retry = { maxAttempts: 6, initialBackoffMs: 1000, multiplier: 3, maxBackoffMs: 20_000 };
    expect([1, 2, 3, 4].map((attempt) => retryBackoffMs(retry, attempt))).toEqual([1000, 3000, 9000, 20_000]);
  });
});

describe('wave sizes and criteria', () => {
  it('takes the canary first, then steps by size or by a share of all targets rounded up', () => {
    expect(waveSize(valid.waves, 0, 1000)).toBe(10);
    expect(waveSize(valid.waves, 1, 1000)).toBe(250);
    expect(waveSize({ ...valid.waves, step: { percent: 1 } }, 3, 150)).toBe(2);
    expect(waveSize({ ...valid.waves, canary: 0, step: { size: 7 } }, 0, 1000)).toBe(7);
  });

  it('judges the share of successes among targets that succeeded or failed', () => {
    expect(waveMeetsCriteria(valid.waves, 19, 1)).toEqual({ passed: true, successPercent: 95 });
    expect(waveMeetsCriteria(valid.waves, 18, 2).passed).toBe(false);
    expect(waveMeetsCriteria(valid.waves, 0, 0).passed).toBe(true);
  });
});

describe('failure threshold', () => {
  it('counts failures, or judges a share once enough targets finished', () => {
    expect(thresholdCrossed({ limit: { count: 3 }, over: { windowMs: 600_000 }, minFinished: 1 }, { finished: 10, failed: 3 })).toBe(
      '3 failures among targets finished in the last 10 min (threshold 3)',
    );
    expect(thresholdCrossed(valid.failureThreshold!, { finished: 10, failed: 10 })).toBeNull();
    expect(thresholdCrossed(valid.failureThreshold!, { finished: 40, failed: 4 })).toBe('4 of the last 40 finished targets failed (10 %, threshold 10 %)');
    expect(thresholdCrossed(valid.failureThreshold!, { finished: 40, failed: 3 })).toBeNull();
  });
});

describe('the starts-per-minute record', () => {
  it('never allows more than the limit in any 60 seconds', () => {
    let record: Record<string, number> = {};
    const starts: number[] = [];
    // Ask for as many starts as allowed every 700 ms for five minutes.
    for (let now = 0; now < 300_000; now += 700) {
      const allowed = Math.min(7, startsAllowed(20, record, now));
      for (let i = 0; i < allowed; i++) starts.push(now);
      if (allowed > 0) record = recordStarts(record, now, allowed);
      expect(Object.keys(record).length).toBeLessThanOrEqual(62);
    }
    for (const start of starts) expect(starts.filter((other) => other >= start && other < start + 60_000).length).toBeLessThanOrEqual(20);
    // And it does not starve: close to the limit per minute over the run.
    expect(starts.length).toBeGreaterThanOrEqual(20 * 4);
  });

  it('spreads the limit over the minute: ceil(limit / 60) a second, or one every floor(60 / limit) s below 60', () => {
    const run = (limit: number, everyMs: number, untilMs: number) => {
      let record: Record<string, number> = {};
      const starts: number[] = [];
      for (let now = 0; now < untilMs; now += everyMs) {
        const allowed = Math.min(1000, startsAllowed(limit, record, now));
        for (let i = 0; i < allowed; i++) starts.push(now);
        if (allowed > 0) record = recordStarts(record, now, allowed);
      }
      return starts;
    };
    const bySecond = (starts: number[]) => {
      const counts = new Map<number, number>();
      for (const at of starts) counts.set(Math.floor(at / 1000), (counts.get(Math.floor(at / 1000)) ?? 0) + 1);
      return [...counts.values()];
    };
    // 600 a minute: 10 a second from the first second on, not 600 at once.
    const fast = run(600, 100, 10_000);
    expect(fast).toHaveLength(100);
    expect(Math.max(...bySecond(fast))).toBe(10);
    // 12 a minute: one start every 5 s.
    const slow = run(12, 250, 60_000);
    expect(slow).toEqual([0, 5000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 55_000]);
  });

  it('says when a refused start is freed, by the latest of the rules that refuse it', () => {
    // One a second (60 a minute) used in second 5: freed at the next second.
    expect(nextStartFreedAt(60, { 5: 1 }, 5_400)).toBe(6_000);
    // 12 a minute: a start in second 5 frees the next at second 10.
    expect(nextStartFreedAt(12, { 5: 1 }, 6_000)).toBe(10_000);
    // The minute full: freed when its oldest second stops counting.
    expect(nextStartFreedAt(2, { 0: 1, 30: 1 }, 40_000)).toBe(61_000);
    expect(nextStartFreedAt(undefined, { 0: 5 }, 100)).toBeNull();
    expect(nextStartFreedAt(600, {}, 100)).toBeNull();
  });
});
