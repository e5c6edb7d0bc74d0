import { ConflictError } from '@acs/platform';

import { changesWhatIsMeasured, checkThresholdRule, type ThresholdRule, type ThresholdRuleDefinition } from '../domain/threshold-rule';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';
import { resetRuleAlarms } from './rule-alarms-reset';
import { checkTargetGroup, ruleOrNotFound } from './rule-validation';

/** Each field absent = unchanged. */
export type UpdateThresholdRuleCommand = { id: string; revision?: number } & Partial<ThresholdRuleDefinition>;

/**
 * Changes a rule, compare-and-set on its revision (ConflictError concurrent-write when `revision` is given and the
 * rule moved on since, or when another change landed between the read and the write).
 *
 * What the change does to the rule's alarms (ADR 36): disabling clears them (`rule-disabled`); a new metric or
 * direction clears them too (`rule-changed`: what they measured is gone). Other changes (levels, durations, target,
 * severity, name) keep them and apply from the next points: an active alarm keeps the severity and threshold it was
 * raised with, and clears by the new clearAt; a device the new target drops clears (`target-left`) at its next point.
 */
export class UpdateThresholdRule {
  constructor(private readonly deps: AlarmUseCaseDeps) {}

  async execute(command: UpdateThresholdRuleCommand): Promise<{ rule: ThresholdRule; clearedAlarms: number }> {
    const { store, targets, now } = this.deps;
    const before = await ruleOrNotFound((id) => store.rules.get(id), command.id);
    const expected = command.revision ?? before.revision;
    if (expected !== before.revision) throw concurrentWrite(before.id);
    const { id: _id, revision: _revision, ...changes } = command;
    const after: ThresholdRule = { ...before, ...withoutAbsent(changes), updatedAt: now() };
    if (after.description === '') delete after.description;
    checkThresholdRule(after);
    if (JSON.stringify(after.target) !== JSON.stringify(before.target)) await checkTargetGroup(targets, after);
    const stored = await store.rules.update(after, expected);
    if (!stored) throw concurrentWrite(before.id);
    let clearedAlarms = 0;
    if (before.enabled && !stored.enabled) clearedAlarms = await resetRuleAlarms(this.deps, stored.id, 'rule-disabled');
    else if (changesWhatIsMeasured(before, stored)) clearedAlarms = await resetRuleAlarms(this.deps, stored.id, 'rule-changed');
    return { rule: stored, clearedAlarms };
  }
}

function concurrentWrite(id: string): ConflictError {
  return new ConflictError(`threshold rule ${id} changed meanwhile: read it again`, { kind: 'concurrent-write', subject: `threshold rule ${id}` });
}

function withoutAbsent<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
