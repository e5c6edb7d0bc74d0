import { randomUUID } from 'node:crypto';

import type { Logger } from '@acs/platform';

import type { AlarmStore } from '../repositories/ports';
import { AcknowledgeAlarm } from './acknowledge-alarm.usecase';
import type { AlarmEvents, RuleTargets } from './alarm-ports';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';
import { CreateThresholdRule } from './create-threshold-rule.usecase';
import { DeleteThresholdRule } from './delete-threshold-rule.usecase';
import { EvaluateThresholds } from './evaluate-thresholds.usecase';
import { GetAlarm } from './get-alarm.usecase';
import { GetThresholdRule } from './get-threshold-rule.usecase';
import { ListAlarms } from './list-alarms.usecase';
import { ListThresholdRules } from './list-threshold-rules.usecase';
import { PurgeClearedAlarms } from './purge-cleared-alarms.usecase';
import { UpdateThresholdRule } from './update-threshold-rule.usecase';

/** Three five-minute sampling intervals: one lost sample does not break a duration, a device gone quiet does. */
export const DEFAULT_STALE_AFTER_SECONDS = 900;

export interface AlarmCoreDeps {
  store: AlarmStore;
  targets: RuleTargets;
  events: AlarmEvents;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
  newId?: () => string;
  /** A gap between two points of a (rule, device) longer than this breaks a duration (default 900 s; ADR 36). */
  staleAfterSeconds?: number;
}

export interface AlarmUseCases {
  createThresholdRule: CreateThresholdRule;
  getThresholdRule: GetThresholdRule;
  listThresholdRules: ListThresholdRules;
  updateThresholdRule: UpdateThresholdRule;
  deleteThresholdRule: DeleteThresholdRule;
  evaluateThresholds: EvaluateThresholds;
  listAlarms: ListAlarms;
  getAlarm: GetAlarm;
  acknowledgeAlarm: AcknowledgeAlarm;
  purgeClearedAlarms: PurgeClearedAlarms;
}

/** Every thresholds-and-alarms use case built once on the store and the ports. */
export function createAlarmUseCases(deps: AlarmCoreDeps): AlarmUseCases {
  const shared: AlarmUseCaseDeps = {
    store: deps.store,
    targets: deps.targets,
    events: deps.events,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    newId: deps.newId ?? randomUUID,
    staleAfterMs: (deps.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS) * 1000,
  };
  return {
    createThresholdRule: new CreateThresholdRule(shared),
    getThresholdRule: new GetThresholdRule(shared),
    listThresholdRules: new ListThresholdRules(shared),
    updateThresholdRule: new UpdateThresholdRule(shared),
    deleteThresholdRule: new DeleteThresholdRule(shared),
    evaluateThresholds: new EvaluateThresholds(shared),
    listAlarms: new ListAlarms(shared),
    getAlarm: new GetAlarm(shared),
    acknowledgeAlarm: new AcknowledgeAlarm(shared),
    purgeClearedAlarms: new PurgeClearedAlarms(shared),
  };
}
