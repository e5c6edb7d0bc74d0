import { NotFoundError } from '@acs/platform';

import type { MonitoringUseCaseDeps } from './monitoring-ports';

/**
 * Deletes a profile. Its samples stay (they are the devices', kept for their retention); its custom metrics leave the
 * catalog, so their stored series are no longer readable by name until a profile defines them again.
 */
export class DeleteMonitoringProfile {
  constructor(private readonly deps: Pick<MonitoringUseCaseDeps, 'store' | 'catalog'>) {}

  async execute(id: string): Promise<void> {
    if (!(await this.deps.store.profiles.delete(id))) throw new NotFoundError('monitoring profile', String(id));
    this.deps.catalog.invalidate();
  }
}
