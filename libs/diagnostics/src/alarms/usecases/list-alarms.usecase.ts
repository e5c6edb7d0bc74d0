import { ValidationError, type FieldViolation } from '@acs/platform';

import { ALARM_STATES } from '../domain/alarm';
import { ALARM_SEVERITIES } from '../domain/threshold-rule';
import type { AlarmPage, AlarmQuery } from '../repositories/ports';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';

export const MAX_ALARMS_PAGE = 1000;

export interface ListAlarmsCommand extends AlarmQuery {
  /** 1 to 1000. */
  limit: number;
  /** The previous page's `nextAfter`; absent for the first page. */
  after?: string;
}

/**
 * Alarms newest first (raise time), narrowed by device, rule, state, severity and acknowledgement, a page at a time
 * (keyset: a page starts after the last alarm of the one before, so alarms raised meanwhile neither shift nor repeat
 * it). ValidationError for an unknown state or severity.
 */
export class ListAlarms {
  constructor(private readonly deps: Pick<AlarmUseCaseDeps, 'store'>) {}

  async execute(command: ListAlarmsCommand): Promise<AlarmPage> {
    const violations: FieldViolation[] = [];
    if (command.state !== undefined && !ALARM_STATES.includes(command.state)) violations.push({ field: 'state', description: `is one of ${ALARM_STATES.join(', ')}`, reason: 'BAD_FORMAT' });
    if (command.severity !== undefined && !ALARM_SEVERITIES.includes(command.severity)) {
      violations.push({ field: 'severity', description: `is one of ${ALARM_SEVERITIES.join(', ')}`, reason: 'BAD_FORMAT' });
    }
    if (!Number.isInteger(command.limit) || command.limit < 1 || command.limit > MAX_ALARMS_PAGE) {
      violations.push({ field: 'page_size', description: `is from 1 to ${MAX_ALARMS_PAGE}`, reason: 'OUT_OF_RANGE' });
    }
    if (violations.length > 0) throw new ValidationError(`invalid alarm listing: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
    const { limit, after, ...query } = command;
    return this.deps.store.alarms.list(query, { limit, ...(after !== undefined ? { after } : {}) });
  }
}
