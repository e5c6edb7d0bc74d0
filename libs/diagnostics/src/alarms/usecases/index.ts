export type { AlarmEvents, RuleTargets } from './alarm-ports';
export { createAlarmUseCases, DEFAULT_STALE_AFTER_SECONDS, type AlarmCoreDeps, type AlarmUseCases } from './alarm-usecases';
export type { AcknowledgeAlarmCommand } from './acknowledge-alarm.usecase';
export type { CreateThresholdRuleCommand } from './create-threshold-rule.usecase';
export type { ThresholdEvaluation } from './evaluate-thresholds.usecase';
export type { ListAlarmsCommand } from './list-alarms.usecase';
export type { UpdateThresholdRuleCommand } from './update-threshold-rule.usecase';
