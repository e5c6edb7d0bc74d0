import type { ThresholdRule } from './threshold-rule';

/**
 * Where one (rule, device) stands, between points (ADR 36). `normal` has no record at all: the store keeps a record
 * only while a device is near or over a threshold, so a fleet of healthy devices costs nothing but their points.
 *
 *   normal ──breach──▶ pending(since) ──breach held forSeconds──▶ raised ──clear──▶ clearing(since)
 *     ▲                   │ no breach, or a stale gap                ▲                │ clear held clearForSeconds
 *     └───────────────────┘                                          └── no clear ────┘──────────────▶ normal (cleared)
 *
 * With forSeconds 0 a breaching point raises at once (no pending); with clearForSeconds 0 a clearing point clears at
 * once (no clearing).
 */
export type ThresholdPhase = 'pending' | 'raised' | 'clearing';

/** The record of a (rule, device) that is not normal. */
export interface ThresholdCondition {
  phase: ThresholdPhase;
  /** pending: the first point of the breach run; clearing: the first point of the clear run. */
  since?: number;
  /** The last point taken (epoch ms): a point at or before it is out of order and ignored. */
  lastAt: number;
  lastValue: number;
  /** raised and clearing: the point that raised the alarm (its time identifies the alarm: alarmIdOf). */
  raisedAt?: number;
  raisedValue?: number;
}

/** A point of one metric of one device, as the state machine takes it. */
export interface ThresholdSample {
  at: number;
  value: number;
}

/** What a run of points did: an alarm raised or cleared, at the point that did it. */
export type ThresholdTransition = { kind: 'raised'; at: number; value: number } | { kind: 'cleared'; at: number; value: number };

export interface ThresholdStep {
  /** The condition after the points; null = normal (no record). */
  condition: ThresholdCondition | null;
  /** Raises and clears in the order they happened (a long batch may hold several). */
  transitions: ThresholdTransition[];
  /** Points taken (the others were out of order or repeated). */
  taken: number;
}

export type ThresholdLevels = Pick<ThresholdRule, 'direction' | 'raiseAt' | 'clearAt' | 'forSeconds' | 'clearForSeconds'>;

/** Whether a value is a breach: at or past `raiseAt` (the level itself raises). */
export function isBreach(levels: Pick<ThresholdRule, 'direction' | 'raiseAt'>, value: number): boolean {
  return levels.direction === 'above' ? value >= levels.raiseAt : value <= levels.raiseAt;
}

/**
 * Whether a value clears: strictly past `clearAt` on the normal side. With clearAt = raiseAt (no hysteresis) every
 * value either breaches or clears; with a band between them, a value inside it (or on clearAt) changes nothing.
 */
export function isClear(levels: Pick<ThresholdRule, 'direction' | 'clearAt'>, value: number): boolean {
  return levels.direction === 'above' ? value < levels.clearAt : value > levels.clearAt;
}

/**
 * Runs a (rule, device)'s points through its state machine, from `condition` (null = normal). Pure: the caller reads
 * and writes the condition (evaluate-thresholds.usecase.ts).
 *
 * - Order: the points are taken by time; one at or before the last taken is ignored (out of order or repeated).
 *   A normal device has no record, so nothing is known of its last point: a late point may start a pending run.
 * - Durations are measured between points' times: a breach "held for forSeconds" means the first breaching point of
 *   an unbroken run and the current one are at least forSeconds apart. A point that does not breach ends the run.
 * - A gap longer than `staleAfterMs` between two points breaks a run (pending starts again from the point after the
 *   gap, clearing falls back to raised and starts again): nothing says the condition held while no point came. A
 *   gap never clears a raised alarm: clearing needs points that clear.
 */
export function evaluateThreshold(levels: ThresholdLevels, condition: ThresholdCondition | null, samples: readonly ThresholdSample[], staleAfterMs: number): ThresholdStep {
  const ordered = [...samples].sort((a, b) => a.at - b.at);
  const transitions: ThresholdTransition[] = [];
  let current = condition;
  let lastAt = condition?.lastAt ?? -Infinity;
  let taken = 0;
  for (const sample of ordered) {
    if (!(sample.at > lastAt) || !Number.isFinite(sample.value)) continue;
    const stale = current !== null && sample.at - current.lastAt > staleAfterMs;
    const result = step(levels, current, sample, stale);
    if (result.transition) transitions.push(result.transition);
    current = result.condition;
    lastAt = sample.at;
    taken += 1;
  }
  return { condition: current, transitions, taken };
}

function step(levels: ThresholdLevels, condition: ThresholdCondition | null, sample: ThresholdSample, stale: boolean): { condition: ThresholdCondition | null; transition?: ThresholdTransition } {
  const seen = { lastAt: sample.at, lastValue: sample.value };
  const phase = condition?.phase ?? 'normal';
  switch (phase) {
    case 'normal':
      return fromNormal(levels, sample);
    case 'pending': {
      if (stale || !isBreach(levels, sample.value)) return fromNormal(levels, sample);
      const since = condition!.since ?? sample.at;
      return sample.at - since >= levels.forSeconds * 1000 ? raise(sample) : { condition: { phase: 'pending', since, ...seen } };
    }
    case 'raised':
      return fromRaised(levels, condition!, sample);
    case 'clearing': {
      if (stale || !isClear(levels, sample.value)) return fromRaised(levels, condition!, sample);
      const since = condition!.since ?? sample.at;
      if (sample.at - since >= levels.clearForSeconds * 1000) return { condition: null, transition: { kind: 'cleared', at: sample.at, value: sample.value } };
      return { condition: { ...raisedPart(condition!), phase: 'clearing', since, ...seen } };
    }
  }
}

function fromNormal(levels: ThresholdLevels, sample: ThresholdSample): { condition: ThresholdCondition | null; transition?: ThresholdTransition } {
  if (!isBreach(levels, sample.value)) return { condition: null };
  if (levels.forSeconds === 0) return raise(sample);
  return { condition: { phase: 'pending', since: sample.at, lastAt: sample.at, lastValue: sample.value } };
}

function fromRaised(levels: ThresholdLevels, condition: ThresholdCondition, sample: ThresholdSample): { condition: ThresholdCondition | null; transition?: ThresholdTransition } {
  const seen = { lastAt: sample.at, lastValue: sample.value };
  if (!isClear(levels, sample.value)) return { condition: { ...raisedPart(condition), phase: 'raised', ...seen } };
  if (levels.clearForSeconds === 0) return { condition: null, transition: { kind: 'cleared', at: sample.at, value: sample.value } };
  return { condition: { ...raisedPart(condition), phase: 'clearing', since: sample.at, ...seen } };
}

function raise(sample: ThresholdSample): { condition: ThresholdCondition; transition: ThresholdTransition } {
  return {
    condition: { phase: 'raised', lastAt: sample.at, lastValue: sample.value, raisedAt: sample.at, raisedValue: sample.value },
    transition: { kind: 'raised', at: sample.at, value: sample.value },
  };
}

function raisedPart(condition: ThresholdCondition): Pick<ThresholdCondition, 'raisedAt' | 'raisedValue'> {
  return { raisedAt: condition.raisedAt, raisedValue: condition.raisedValue };
}
