export {
  TEMPLATE_FIELDS,
  TemplateError,
  compileTemplate,
  isTemplate,
  renderTemplate,
  type CompiledTemplate,
  type TemplateErrorCode,
} from './template';
export { validatePreset, type PresetIssue } from './preset-validator';
export {
  PresetValidationError,
  formatIssue,
  parsePresetSources,
  parsePresetYaml,
  type PresetSourceIssue,
  type PresetYamlOptions,
} from './preset-yaml';
export { cronExpressionProblem, cronFiredBetween, normaliseEventCode, presetsTriggeredBy, type TriggerContext } from './preset-triggers';
export {
  byPrecedence,
  planPresets,
  valuesEqual,
  type ConflictSide,
  type PresetConflict,
  type PresetPlan,
  type PresetPlanOptions,
  type PresetTask,
  type PresetValue,
  type UnresolvedPresetWork,
} from './preset-planner';
export { DEFAULT_LOOP_REPEATS, detectPresetLoop, type PresetEvaluationRecord, type PresetLoop, type PresetLoopOptions } from './preset-loop';
export { PLAN_HISTORY_DEVICES, PLAN_HISTORY_PER_DEVICE, PlanHistory, type PlanHistoryOptions } from './plan-history';
