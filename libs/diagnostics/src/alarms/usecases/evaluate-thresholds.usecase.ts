import type { MetricPoint } from '../../domain/metric-point';
import { alarmEventPayloadOf, alarmIdOf, newAlarm, type Alarm, type AlarmEventKind } from '../domain/alarm';
import type { ThresholdRule } from '../domain/threshold-rule';
import { evaluateThreshold, isBreach, type ThresholdCondition, type ThresholdSample } from '../domain/threshold-state';
import type { ThresholdStateKey, ThresholdStateRecord } from '../repositories/ports';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';

/** Attempts at one (rule, device) whose state another pod moved meanwhile, before giving up on this batch's points for it. */
const ATTEMPTS = 3;

export interface ThresholdEvaluation {
  /** Points handed in. */
  points: number;
  /** (rule, device) pairs whose state was read, moved or written. */
  pairs: number;
  raised: number;
  cleared: number;
  /** Pairs given up after ATTEMPTS conflicting writes (logged). */
  conflicts: number;
}

interface Pair {
  rule: ThresholdRule;
  deviceId: string;
  samples: ThresholdSample[];
}

interface Outcome {
  raised: number;
  cleared: number;
  conflict: boolean;
}

/**
 * Runs a batch of metric points (from monitoring, counters already rates) through the enabled threshold rules of
 * their metrics, for the devices each rule's target selects; raises and clears alarms (ADR 36).
 *
 * Batch-friendly: the rules are read once, the states of all the batch's (rule, device) pairs in a few `$in` reads,
 * the targets asked once per rule and only for the pairs that matter — a pair with no state whose points do not
 * breach stays normal whatever its target says, and costs nothing more. A state is written only for pairs that are
 * not normal, conditional on the revision read (another pod may continue the same device).
 *
 * For each pair that moves: its alarms first (an alarm's id is derived from its raise, so writing it again is a
 * no-op), then the state (compare-and-set), then the events. A crash before the state write replays the same
 * transitions from the same state; a state another pod moved meanwhile undoes the alarms this attempt created and
 * evaluates again from the state read anew.
 */
export class EvaluateThresholds {
  constructor(private readonly deps: AlarmUseCaseDeps) {}

  async execute(points: readonly MetricPoint[]): Promise<ThresholdEvaluation> {
    const summary: ThresholdEvaluation = { points: points.length, pairs: 0, raised: 0, cleared: 0, conflicts: 0 };
    const pairs = await this.pairsOf(points);
    if (pairs.length === 0) return summary;
    const states = await this.statesOf(pairs);
    // Only a pair that has a state or a breaching point can change; the others stay normal.
    const live = pairs.filter((pair) => states.has(keyOf(pair)) || pair.samples.some((sample) => isBreach(pair.rule, sample.value)));
    summary.pairs = live.length;
    const selected = await this.selectedDevices(live);
    for (const pair of live) {
      const state = states.get(keyOf(pair)) ?? null;
      const outcome = selected.get(pair.rule.id)!.has(pair.deviceId) ? await this.evaluatePair(pair, state) : await this.leaveTarget(pair, state);
      summary.raised += outcome.raised;
      summary.cleared += outcome.cleared;
      if (outcome.conflict) summary.conflicts += 1;
    }
    return summary;
  }

  /** The batch's points grouped by (enabled rule of their metric, device). */
  private async pairsOf(points: readonly MetricPoint[]): Promise<Pair[]> {
    const rulesByMetric = new Map<string, ThresholdRule[]>();
    for (const rule of await this.deps.store.rules.enabled()) rulesByMetric.set(rule.metric, [...(rulesByMetric.get(rule.metric) ?? []), rule]);
    const samples = new Map<string, { metric: string; deviceId: string; samples: ThresholdSample[] }>();
    for (const point of points) {
      if (!rulesByMetric.has(point.metric)) continue;
      const key = JSON.stringify([point.metric, point.deviceId]);
      let entry = samples.get(key);
      if (!entry) samples.set(key, (entry = { metric: point.metric, deviceId: point.deviceId, samples: [] }));
      entry.samples.push({ at: point.at, value: point.value });
    }
    return [...samples.values()].flatMap((entry) => rulesByMetric.get(entry.metric)!.map((rule) => ({ rule, deviceId: entry.deviceId, samples: entry.samples })));
  }

  private async statesOf(pairs: readonly Pair[]): Promise<Map<string, ThresholdStateRecord>> {
    const records = await this.deps.store.states.getMany(pairs.map((pair) => ({ ruleId: pair.rule.id, deviceId: pair.deviceId })));
    return new Map(records.map((record) => [keyOf({ rule: { id: record.ruleId }, deviceId: record.deviceId }), record]));
  }

  /** Per rule, which of its pairs' devices its target selects: one question per rule. */
  private async selectedDevices(pairs: readonly Pair[]): Promise<Map<string, ReadonlySet<string>>> {
    const byRule = new Map<string, { rule: ThresholdRule; deviceIds: string[] }>();
    for (const pair of pairs) {
      const entry = byRule.get(pair.rule.id) ?? { rule: pair.rule, deviceIds: [] };
      entry.deviceIds.push(pair.deviceId);
      byRule.set(pair.rule.id, entry);
    }
    const selected = new Map<string, ReadonlySet<string>>();
    for (const { rule, deviceIds } of byRule.values()) selected.set(rule.id, await this.deps.targets.matching(rule.target, deviceIds));
    return selected;
  }

  private async evaluatePair(pair: Pair, read: ThresholdStateRecord | null): Promise<Outcome> {
    const { store } = this.deps;
    const key: ThresholdStateKey = { ruleId: pair.rule.id, deviceId: pair.deviceId };
    let state = read;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const step = evaluateThreshold(pair.rule, state, pair.samples, this.deps.staleAfterMs);
      if (step.taken === 0) return { raised: 0, cleared: 0, conflict: false };
      const { events, created } = await this.applyTransitions(pair, state, step.transitions);
      if (await this.writeState(key, state, step.condition)) {
        if (step.condition?.raisedAt !== undefined) await store.alarms.noteValue(alarmIdOf(pair.rule.id, pair.deviceId, step.condition.raisedAt), step.condition.lastValue);
        for (const event of events) await this.deps.events.publish(event.kind, pair.deviceId, alarmEventPayloadOf(event.alarm));
        return { raised: events.filter((e) => e.kind === 'raised').length, cleared: events.filter((e) => e.kind === 'cleared').length, conflict: false };
      }
      // Another pod moved this (rule, device) since it was read: what this attempt created is not the truth.
      for (const id of created) await store.alarms.delete(id);
      state = (await store.states.getMany([key]))[0] ?? null;
    }
    this.deps.logger.warn({ deviceId: pair.deviceId, ruleId: pair.rule.id }, 'threshold state kept moving under this evaluation: its points skipped');
    return { raised: 0, cleared: 0, conflict: true };
  }

  /** Writes the alarms of a pair's transitions; the events to publish once the state is written, and the alarms created. */
  private async applyTransitions(pair: Pair, state: ThresholdCondition | null, transitions: ReturnType<typeof evaluateThreshold>['transitions']) {
    const { store } = this.deps;
    const events: Array<{ kind: AlarmEventKind; alarm: Alarm }> = [];
    const created: string[] = [];
    let raisedAt = state?.raisedAt;
    for (const transition of transitions) {
      if (transition.kind === 'raised') {
        const alarm = newAlarm(pair.rule, pair.deviceId, transition.at, transition.value);
        if (await store.alarms.insert(alarm)) created.push(alarm.id);
        raisedAt = transition.at;
        events.push({ kind: 'raised', alarm });
        continue;
      }
      if (raisedAt === undefined) continue;
      const id = alarmIdOf(pair.rule.id, pair.deviceId, raisedAt);
      raisedAt = undefined;
      const cleared = (await store.alarms.clear(id, { clearedAt: transition.at, reason: 'recovered', lastValue: transition.value })) ?? (await store.alarms.get(id));
      // Cleared already (a replayed batch): the event goes out again, as the state write it precedes did not happen.
      if (cleared) events.push({ kind: 'cleared', alarm: cleared });
    }
    return { events, created };
  }

  private writeState(key: ThresholdStateKey, read: ThresholdStateRecord | null, condition: ThresholdCondition | null): Promise<boolean> {
    const { states } = this.deps.store;
    if (condition) return states.save(key, condition, read ? read.revision : null);
    return read ? states.remove(key, read.revision) : Promise.resolve(true);
  }

  /** A device the rule's target no longer selects: back to normal, its alarm (if any) cleared as `target-left`. */
  private async leaveTarget(pair: Pair, state: ThresholdStateRecord | null): Promise<Outcome> {
    if (!state) return { raised: 0, cleared: 0, conflict: false };
    const { store, events, now } = this.deps;
    if (!(await store.states.remove({ ruleId: pair.rule.id, deviceId: pair.deviceId }, state.revision))) return { raised: 0, cleared: 0, conflict: true };
    if (state.raisedAt === undefined) return { raised: 0, cleared: 0, conflict: false };
    const cleared = await store.alarms.clear(alarmIdOf(pair.rule.id, pair.deviceId, state.raisedAt), { clearedAt: now(), reason: 'target-left' });
    if (cleared) await events.publish('cleared', pair.deviceId, alarmEventPayloadOf(cleared));
    return { raised: 0, cleared: cleared ? 1 : 0, conflict: false };
  }
}

function keyOf(pair: { rule: { id: string }; deviceId: string }): string {
  return JSON.stringify([pair.rule.id, pair.deviceId]);
}
