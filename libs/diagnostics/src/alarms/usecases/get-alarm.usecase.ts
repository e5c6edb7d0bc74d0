import { NotFoundError } from '@acs/platform';

import type { Alarm } from '../domain/alarm';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';

/** One alarm; NotFoundError when unknown (or removed by the retention). */
export class GetAlarm {
  constructor(private readonly deps: Pick<AlarmUseCaseDeps, 'store'>) {}

  async execute(id: string): Promise<Alarm> {
    const alarm = await this.deps.store.alarms.get(id);
    if (!alarm) throw new NotFoundError('alarm', id);
    return alarm;
  }
}
