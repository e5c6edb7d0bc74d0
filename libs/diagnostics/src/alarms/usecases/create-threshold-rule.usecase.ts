import { checkThresholdRule, type ThresholdRule, type ThresholdRuleDefinition } from '../domain/threshold-rule';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';
import { checkTargetGroup } from './rule-validation';

/** A new rule: its definition, with the durations (0), `enabled` (true) and `clearAt` (= raiseAt: no hysteresis) optional. */
export type CreateThresholdRuleCommand = Omit<ThresholdRuleDefinition, 'forSeconds' | 'clearForSeconds' | 'enabled' | 'clearAt'> &
  Partial<Pick<ThresholdRuleDefinition, 'forSeconds' | 'clearForSeconds' | 'enabled' | 'clearAt'>> & { createdBy: string };

/**
 * Records a threshold rule; it applies from the next points evaluated. ValidationError names every wrong field (a
 * filter that does not parse, clearAt on the wrong side of raiseAt); NotFoundError for an unknown group.
 */
export class CreateThresholdRule {
  constructor(private readonly deps: AlarmUseCaseDeps) {}

  async execute(command: CreateThresholdRuleCommand): Promise<ThresholdRule> {
    const { store, targets, now, newId } = this.deps;
    const at = now();
    const rule: ThresholdRule = {
      id: newId(),
      name: command.name,
      metric: command.metric,
      target: command.target,
      direction: command.direction,
      raiseAt: command.raiseAt,
      clearAt: command.clearAt ?? command.raiseAt,
      forSeconds: command.forSeconds ?? 0,
      clearForSeconds: command.clearForSeconds ?? 0,
      severity: command.severity,
      enabled: command.enabled ?? true,
      ...(command.description ? { description: command.description } : {}),
      createdAt: at,
      createdBy: command.createdBy,
      updatedAt: at,
      revision: 1,
    };
    checkThresholdRule(rule);
    await checkTargetGroup(targets, rule);
    await store.rules.insert(rule);
    return rule;
  }
}
