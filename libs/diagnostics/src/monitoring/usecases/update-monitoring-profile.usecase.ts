import { ConflictError } from '@acs/platform';

import { DEFAULT_INTERVAL_SECONDS, DEFAULT_MONITORING_SOURCE, type MonitoringProfile, type MonitoringProfileDefinition } from '../domain/monitoring-profile';
import type { MonitoringUseCaseDeps } from './monitoring-ports';
import { checkDefinitionAgainst, profileOrNotFound } from './profile-checks';

export interface UpdateMonitoringProfileCommand extends MonitoringProfileDefinition {
  id: string;
  /** The revision the caller read: a profile changed since is a ConflictError (concurrent-write), not overwritten. */
  revision?: number;
}

/** Replaces a profile's definition (every field; omitted interval and enabled take their defaults). */
export class UpdateMonitoringProfile {
  constructor(private readonly deps: Pick<MonitoringUseCaseDeps, 'store' | 'catalog' | 'now'>) {}

  async execute(command: UpdateMonitoringProfileCommand): Promise<MonitoringProfile> {
    const { store, catalog, now } = this.deps;
    const current = await profileOrNotFound(store.profiles, command.id);
    await checkDefinitionAgainst(store.profiles, command, current.id);
    const stale = () => new ConflictError(`monitoring profile ${current.id} changed since revision ${command.revision ?? current.revision}`, { kind: 'concurrent-write', subject: `monitoring profile ${current.id}` });
    if (command.revision !== undefined && command.revision !== current.revision) throw stale();
    const profile: MonitoringProfile = {
      ...current,
      name: command.name,
      metrics: [...command.metrics],
      customMetrics: [...(command.customMetrics ?? [])],
      target: 'groupId' in command.target ? { groupId: command.target.groupId } : { filter: command.target.filter },
      intervalSeconds: command.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
      source: command.source ?? DEFAULT_MONITORING_SOURCE,
      enabled: command.enabled ?? true,
      updatedAt: now(),
      revision: current.revision + 1,
    };
    if (!(await store.profiles.replace(profile, current.revision))) throw stale();
    catalog.invalidate();
    return profile;
  }
}
