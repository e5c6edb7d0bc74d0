import { evaluateThreshold, isBreach, isClear, type ThresholdCondition, type ThresholdLevels, type ThresholdSample } from './threshold-state';

const S = 1000;
/** CPU load above 90 raises after 60 s, clears below 70 after 30 s. */
const cpu: ThresholdLevels = { direction: 'above', raiseAt: 90, clearAt: 70, forSeconds: 60, clearForSeconds: 30 };
/** Optical power below -27 dBm raises at once, clears above -25 at once. */
const optical: ThresholdLevels = { direction: 'below', raiseAt: -27, clearAt: -25, forSeconds: 0, clearForSeconds: 0 };
const STALE = 600 * S;

/** Points every `everySeconds` from t = 0 with these values. */
function series(values: readonly number[], everySeconds = 30, from = 0): ThresholdSample[] {
  return values.map((value, i) => ({ at: from + i * everySeconds * S, value }));
}

function run(levels: ThresholdLevels, samples: readonly ThresholdSample[], condition: ThresholdCondition | null = null) {
  return evaluateThreshold(levels, condition, samples, STALE);
}

/** The same points fed one at a time, each step starting from the last one's condition (points of separate batches). */
function runOneByOne(levels: ThresholdLevels, samples: readonly ThresholdSample[]) {
  let condition: ThresholdCondition | null = null;
  const transitions = [];
  for (const sample of samples) {
    const result = evaluateThreshold(levels, condition, [sample], STALE);
    condition = result.condition;
    transitions.push(...result.transitions);
  }
  return { condition, transitions };
}

describe('threshold levels', () => {
  it('breaches exactly at raiseAt, in either direction', () => {
    expect(isBreach(cpu, 90)).toBe(true);
    expect(isBreach(cpu, 89.999)).toBe(false);
    expect(isBreach(optical, -27)).toBe(true);
    expect(isBreach(optical, -26.9)).toBe(false);
  });

  it('clears only strictly past clearAt: a value on clearAt, or in the band, clears nothing', () => {
    expect(isClear(cpu, 70)).toBe(false);
    expect(isClear(cpu, 69.9)).toBe(true);
    expect(isClear(cpu, 80)).toBe(false);
    expect(isClear(optical, -25)).toBe(false);
    expect(isClear(optical, -24.9)).toBe(true);
  });

  it('without hysteresis (clearAt = raiseAt) every value either breaches or clears', () => {
    const flat: ThresholdLevels = { ...cpu, clearAt: 90 };
    for (const value of [89, 89.99, 90, 91]) expect(isBreach(flat, value) !== isClear(flat, value)).toBe(true);
  });
});

describe('raising after a duration', () => {
  it('goes pending at the first breach and raises once the breach has held forSeconds, at the point that reached it', () => {
    const result = run(cpu, series([50, 95, 96]));
    expect(result.transitions).toEqual([]);
    expect(result.condition).toEqual({ phase: 'pending', since: 30 * S, lastAt: 60 * S, lastValue: 96 });
    const raised = run(cpu, series([50, 95, 96, 97]));
    expect(raised.transitions).toEqual([{ kind: 'raised', at: 90 * S, value: 97 }]);
    expect(raised.condition).toEqual({ phase: 'raised', lastAt: 90 * S, lastValue: 97, raisedAt: 90 * S, raisedValue: 97 });
  });

  it('raises exactly when the run is forSeconds long, not a point before', () => {
    expect(run(cpu, [{ at: 0, value: 91 }, { at: 59_999, value: 91 }]).transitions).toEqual([]);
    expect(run(cpu, [{ at: 0, value: 91 }, { at: 60_000, value: 91 }]).transitions).toEqual([{ kind: 'raised', at: 60_000, value: 91 }]);
  });

  it('a point below raiseAt ends the run, even inside the hysteresis band; the next breach starts a new one', () => {
    const result = run(cpu, series([95, 95, 80, 95, 95]));
    expect(result.transitions).toEqual([]);
    expect(result.condition).toEqual({ phase: 'pending', since: 90 * S, lastAt: 120 * S, lastValue: 95 });
  });

  it('a pending run that ends leaves no record (normal)', () => {
    expect(run(cpu, series([95, 50])).condition).toBeNull();
    expect(run(cpu, series([50, 60])).condition).toBeNull();
  });

  it('forSeconds 0 raises on the first breaching point', () => {
    expect(run(optical, series([-20, -27.5])).transitions).toEqual([{ kind: 'raised', at: 30 * S, value: -27.5 }]);
  });

  it('raises once however long the breach lasts', () => {
    const result = run(cpu, series(Array.from({ length: 50 }, () => 99)));
    expect(result.transitions).toHaveLength(1);
    expect(result.condition?.phase).toBe('raised');
  });

  it('gives the same answer point by point as in one batch', () => {
    const values = [50, 95, 96, 80, 97, 98, 99, 99, 60, 65, 50, 40, 95, 99];
    const batch = run(cpu, series(values));
    const single = runOneByOne(cpu, series(values));
    expect(single.transitions).toEqual(batch.transitions);
    expect(single.condition).toEqual(batch.condition);
  });
});

describe('clearing after a duration', () => {
  const raised: ThresholdCondition = { phase: 'raised', lastAt: 0, lastValue: 95, raisedAt: 0, raisedValue: 95 };

  it('goes clearing at the first clearing point and clears once that has held clearForSeconds', () => {
    const pending = run(cpu, series([65, 60], 10, 10 * S), raised);
    expect(pending.transitions).toEqual([]);
    expect(pending.condition).toEqual({ phase: 'clearing', since: 10 * S, lastAt: 20 * S, lastValue: 60, raisedAt: 0, raisedValue: 95 });
    const cleared = run(cpu, series([65, 60, 55, 50], 10, 10 * S), raised);
    expect(cleared.transitions).toEqual([{ kind: 'cleared', at: 40 * S, value: 50 }]);
    expect(cleared.condition).toBeNull();
  });

  it('a point back in the band (or over raiseAt) during clearing returns to raised without a second raise', () => {
    const result = run(cpu, series([65, 75, 65], 10, 10 * S), raised);
    expect(result.transitions).toEqual([]);
    expect(result.condition).toEqual({ phase: 'clearing', since: 30 * S, lastAt: 30 * S, lastValue: 65, raisedAt: 0, raisedValue: 95 });
    expect(run(cpu, series([65, 99], 10, 10 * S), raised).condition).toEqual({ phase: 'raised', lastAt: 20 * S, lastValue: 99, raisedAt: 0, raisedValue: 95 });
  });

  it('a value in the band keeps the alarm raised indefinitely', () => {
    const result = run(cpu, series(Array.from({ length: 40 }, () => 75), 30, 30 * S), raised);
    expect(result.transitions).toEqual([]);
    expect(result.condition?.phase).toBe('raised');
  });

  it('clearForSeconds 0 clears on the first clearing point; exactly on clearAt does not clear', () => {
    const low: ThresholdCondition = { phase: 'raised', lastAt: 0, lastValue: -28, raisedAt: 0, raisedValue: -28 };
    expect(run(optical, [{ at: 1, value: -25 }], low).transitions).toEqual([]);
    expect(run(optical, [{ at: 1, value: -24.5 }], low).transitions).toEqual([{ kind: 'cleared', at: 1, value: -24.5 }]);
  });
});

describe('hysteresis against flapping', () => {
  it('a value oscillating around raiseAt, within the band, raises once and never clears', () => {
    const flapping = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 91 : 89));
    const instant: ThresholdLevels = { ...cpu, forSeconds: 0, clearForSeconds: 0 };
    const result = run(instant, series(flapping));
    expect(result.transitions).toEqual([{ kind: 'raised', at: 0, value: 91 }]);
    expect(result.condition?.phase).toBe('raised');
  });

  it('a value oscillating around clearAt clears once and never raises again', () => {
    const instant: ThresholdLevels = { ...cpu, forSeconds: 0, clearForSeconds: 0 };
    const flapping = [95, ...Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 69 : 71))];
    const result = run(instant, series(flapping));
    expect(result.transitions.map((t) => t.kind)).toEqual(['raised', 'cleared']);
    expect(result.condition).toBeNull();
  });

  it('short spikes over raiseAt, shorter than forSeconds, never raise', () => {
    const spiky = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 50 : 99));
    expect(run(cpu, series(spiky)).transitions).toEqual([]);
  });

  it('short dips under clearAt, shorter than clearForSeconds, never clear', () => {
    const raised: ThresholdCondition = { phase: 'raised', lastAt: 0, lastValue: 95, raisedAt: 0, raisedValue: 95 };
    const dips = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 60 : 80));
    const result = run(cpu, series(dips, 20, 20 * S), raised);
    expect(result.transitions).toEqual([]);
    expect(result.condition?.phase).not.toBeUndefined();
  });

  it('a real recovery and a real relapse each make one transition', () => {
    const values = [95, 95, 95, 60, 60, 95, 95, 95];
    const levels: ThresholdLevels = { ...cpu, forSeconds: 60, clearForSeconds: 30 };
    expect(run(levels, series(values)).transitions.map((t) => `${t.kind}@${t.at / S}`)).toEqual(['raised@60', 'cleared@120', 'raised@210']);
  });
});

describe('order and gaps', () => {
  it('ignores a point at or before the last taken (out of order or repeated)', () => {
    const pending: ThresholdCondition = { phase: 'pending', since: 0, lastAt: 50 * S, lastValue: 95 };
    const result = run(cpu, [{ at: 40 * S, value: 10 }, { at: 50 * S, value: 10 }], pending);
    expect(result.taken).toBe(0);
    expect(result.condition).toEqual(pending);
  });

  it('takes a batch in time order whatever order it came in', () => {
    const shuffled = [series([95, 95, 95])[2], series([95, 95, 95])[0], series([95, 95, 95])[1]];
    expect(run({ ...cpu, forSeconds: 60 }, shuffled).transitions).toEqual([{ kind: 'raised', at: 60 * S, value: 95 }]);
  });

  it('a gap longer than staleAfter breaks a pending run: the duration counts again from the point after the gap', () => {
    const samples = [{ at: 0, value: 95 }, { at: 700 * S, value: 95 }, { at: 730 * S, value: 95 }];
    const result = run(cpu, samples);
    expect(result.transitions).toEqual([]);
    expect(result.condition).toEqual({ phase: 'pending', since: 700 * S, lastAt: 730 * S, lastValue: 95 });
    expect(run(cpu, [...samples, { at: 760 * S, value: 95 }]).transitions).toEqual([{ kind: 'raised', at: 760 * S, value: 95 }]);
  });

  it('a gap of exactly staleAfter still counts as held', () => {
    const levels: ThresholdLevels = { ...cpu, forSeconds: 600 };
    expect(run(levels, [{ at: 0, value: 95 }, { at: 600 * S, value: 95 }]).transitions).toEqual([{ kind: 'raised', at: 600 * S, value: 95 }]);
  });

  it('a gap breaks a clearing run back to raised; it never clears a raised alarm by itself', () => {
    const clearing: ThresholdCondition = { phase: 'clearing', since: 0, lastAt: 20 * S, lastValue: 60, raisedAt: -100 * S, raisedValue: 95 };
    const result = run(cpu, [{ at: 700 * S, value: 60 }], clearing);
    expect(result.transitions).toEqual([]);
    expect(result.condition).toEqual({ phase: 'clearing', since: 700 * S, lastAt: 700 * S, lastValue: 60, raisedAt: -100 * S, raisedValue: 95 });
    const raised: ThresholdCondition = { phase: 'raised', lastAt: 0, lastValue: 95, raisedAt: 0, raisedValue: 95 };
    expect(run(cpu, [{ at: 5000 * S, value: 80 }], raised).condition?.phase).toBe('raised');
  });

  it('skips a value that is not a number', () => {
    expect(run(optical, [{ at: 1, value: Number.NaN }]).taken).toBe(0);
  });
});
