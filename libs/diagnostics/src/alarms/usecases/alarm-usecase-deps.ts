import type { Logger } from '@acs/platform';

import type { AlarmStore } from '../repositories/ports';
import type { AlarmEvents, RuleTargets } from './alarm-ports';

/** What every thresholds-and-alarms use case is built on (alarm-usecases.ts builds them once). */
export interface AlarmUseCaseDeps {
  store: AlarmStore;
  targets: RuleTargets;
  events: AlarmEvents;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  newId: () => string;
  /** A gap between two points of a (rule, device) longer than this breaks a duration (ADR 36). */
  staleAfterMs: number;
}
