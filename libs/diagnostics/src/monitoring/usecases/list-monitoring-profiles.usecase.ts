import type { MonitoringProfile } from '../domain/monitoring-profile';
import type { MonitoringUseCaseDeps } from './monitoring-ports';

/** Every profile by name (tens of them: no paging), the enabled ones only when asked (what the collectors run). */
export class ListMonitoringProfiles {
  constructor(private readonly deps: Pick<MonitoringUseCaseDeps, 'store'>) {}

  async execute(query: { enabledOnly?: boolean } = {}): Promise<MonitoringProfile[]> {
    const profiles = await this.deps.store.profiles.list();
    return query.enabledOnly ? profiles.filter((profile) => profile.enabled) : profiles;
  }
}
