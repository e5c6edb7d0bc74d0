import { DEFAULT_INTERVAL_SECONDS, DEFAULT_MONITORING_SOURCE, type MonitoringProfile, type MonitoringProfileDefinition } from '../domain/monitoring-profile';
import type { MonitoringUseCaseDeps } from './monitoring-ports';
import { checkDefinitionAgainst } from './profile-checks';

export interface CreateMonitoringProfileCommand extends MonitoringProfileDefinition {
  createdBy?: string;
}

/** Creates a monitoring profile (interval 900 s and enabled unless said otherwise). */
export class CreateMonitoringProfile {
  constructor(private readonly deps: Pick<MonitoringUseCaseDeps, 'store' | 'catalog' | 'now' | 'newId'>) {}

  async execute(command: CreateMonitoringProfileCommand): Promise<MonitoringProfile> {
    const { store, catalog, now, newId } = this.deps;
    await checkDefinitionAgainst(store.profiles, command);
    const at = now();
    const profile: MonitoringProfile = {
      id: newId(),
      name: command.name,
      metrics: [...command.metrics],
      customMetrics: [...(command.customMetrics ?? [])],
      target: 'groupId' in command.target ? { groupId: command.target.groupId } : { filter: command.target.filter },
      intervalSeconds: command.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
      source: command.source ?? DEFAULT_MONITORING_SOURCE,
      enabled: command.enabled ?? true,
      createdAt: at,
      ...(command.createdBy !== undefined ? { createdBy: command.createdBy } : {}),
      updatedAt: at,
      revision: 1,
    };
    await store.profiles.insert(profile);
    catalog.invalidate();
    return profile;
  }
}
