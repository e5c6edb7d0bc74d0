import { ValidationError } from '@acs/platform';

import type { AlarmUseCaseDeps } from './alarm-usecase-deps';

const DAY_MS = 86_400_000;

/**
 * The retention of cleared alarms: deletes those cleared more than `retentionDays` ago (one deleteMany on the
 * clearedAt index). Active alarms stay whatever their age. The service runs it periodically.
 */
export class PurgeClearedAlarms {
  constructor(private readonly deps: Pick<AlarmUseCaseDeps, 'store' | 'now'>) {}

  async execute(retentionDays: number): Promise<{ deleted: number }> {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw ValidationError.forField('retentionDays', 'is a whole number of days, at least 1', 'OUT_OF_RANGE');
    return { deleted: await this.deps.store.alarms.deleteClearedBefore(this.deps.now() - retentionDays * DAY_MS) };
  }
}
