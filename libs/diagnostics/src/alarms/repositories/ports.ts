import type { Page, Paged } from '@acs/platform';

import type { Alarm, AlarmAcknowledgement, AlarmState, ClearReason } from '../domain/alarm';
import type { AlarmSeverity, ThresholdRule } from '../domain/threshold-rule';
import type { ThresholdCondition } from '../domain/threshold-state';

/** The threshold rules (`diagnostics.thresholdRules`, `_id` = rule id). */
export interface ThresholdRuleRepository {
  /** ConflictError (already-exists) when the id is taken. */
  insert(rule: ThresholdRule): Promise<void>;
  get(id: string): Promise<ThresholdRule | null>;
  /** By name. */
  list(page: Page): Promise<Paged<ThresholdRule>>;
  /** Every enabled rule (they are few: hundreds), what an evaluation reads. */
  enabled(): Promise<ThresholdRule[]>;
  /** Replaces the rule when its stored revision is still `expectedRevision`; the rule as stored, or null when it moved (or is gone). */
  update(rule: ThresholdRule, expectedRevision: number): Promise<ThresholdRule | null>;
  /** Whether it existed. */
  delete(id: string): Promise<boolean>;
}

/** Which (rule, device) a state is of. */
export interface ThresholdStateKey {
  ruleId: string;
  deviceId: string;
}

/** The record of a (rule, device) that is not normal, with the revision its next write compares against. */
export interface ThresholdStateRecord extends ThresholdStateKey, ThresholdCondition {
  revision: number;
}

/**
 * The (rule, device) states that are not normal (`diagnostics.thresholdStates`), so any pod continues a device's
 * evaluation where another left it. Every write is conditional on the revision read: of two pods moving one state at
 * once, one wins and the other reads again.
 */
export interface ThresholdStateRepository {
  /** The records of these pairs that exist (a missing one is normal). */
  getMany(keys: readonly ThresholdStateKey[]): Promise<ThresholdStateRecord[]>;
  /**
   * Writes a pair's condition: a new record when `expectedRevision` is null (false when one appeared meanwhile), else
   * a replacement of the record still at that revision (false when it moved or is gone). The record is then at
   * `expectedRevision + 1` (1 when new).
   */
  save(key: ThresholdStateKey, condition: ThresholdCondition, expectedRevision: number | null): Promise<boolean>;
  /** Removes the record still at `expectedRevision` (back to normal); false when it moved or is gone. */
  remove(key: ThresholdStateKey, expectedRevision: number): Promise<boolean>;
  /** Removes every record of a rule; how many. */
  removeRule(ruleId: string): Promise<number>;
}

/** What ListAlarms narrows by (each absent = any). */
export interface AlarmQuery {
  deviceId?: string;
  ruleId?: string;
  state?: AlarmState;
  severity?: AlarmSeverity;
  acknowledged?: boolean;
}

export interface AlarmPage {
  /** Newest first (raise time, then id). */
  alarms: Alarm[];
  /** The key to pass as `after` for the next page; absent at the end. */
  nextAfter?: string;
}

/** The alarms (`diagnostics.alarms`, `_id` = alarm id). */
export interface AlarmRepository {
  /** Whether it is new: an alarm with its id (the same raise, evaluated again) is left as it is. */
  insert(alarm: Alarm): Promise<boolean>;
  get(id: string): Promise<Alarm | null>;
  /** Whether it existed: an alarm an evaluation created and then lost its (rule, device) state to another pod. */
  delete(id: string): Promise<boolean>;
  /** Notes the last value of an active alarm (nothing when it is cleared or gone). */
  noteValue(id: string, lastValue: number): Promise<void>;
  /** Clears an active alarm; the alarm as cleared, or null when it was not active (cleared already, or gone). */
  clear(id: string, change: { clearedAt: number; reason: ClearReason; lastValue?: number }): Promise<Alarm | null>;
  /** Acknowledges an alarm not acknowledged yet; the alarm as acknowledged, or null when it was already (or is gone). */
  acknowledge(id: string, acknowledgement: AlarmAcknowledgement): Promise<Alarm | null>;
  /** A page of the matching alarms, newest first, starting after the key `after` (none: from the newest). */
  list(query: AlarmQuery, page: { after?: string; limit: number }): Promise<AlarmPage>;
  /** Up to `limit` active alarms of a rule. */
  activeOfRule(ruleId: string, limit: number): Promise<Alarm[]>;
  /** Deletes the cleared alarms cleared before `cutoff` (epoch ms); how many. */
  deleteClearedBefore(cutoff: number): Promise<number>;
}

/** Thresholds and alarms' persistence, as the use cases take it. */
export interface AlarmStore {
  rules: ThresholdRuleRepository;
  states: ThresholdStateRepository;
  alarms: AlarmRepository;
}
