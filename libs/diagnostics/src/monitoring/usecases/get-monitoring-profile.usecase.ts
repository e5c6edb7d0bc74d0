import type { MonitoringProfile } from '../domain/monitoring-profile';
import type { MonitoringUseCaseDeps } from './monitoring-ports';
import { profileOrNotFound } from './profile-checks';

/** One profile, or NotFoundError. */
export class GetMonitoringProfile {
  constructor(private readonly deps: Pick<MonitoringUseCaseDeps, 'store'>) {}

  execute(id: string): Promise<MonitoringProfile> {
    return profileOrNotFound(this.deps.store.profiles, id);
  }
}
