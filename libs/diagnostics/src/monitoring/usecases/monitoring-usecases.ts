import { randomUUID } from 'node:crypto';

import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/sample-series';
import type { MonitoringStore } from '../repositories/ports';
import { CreateMonitoringProfile } from './create-monitoring-profile.usecase';
import { DeleteMonitoringProfile } from './delete-monitoring-profile.usecase';
import { GetMonitoringProfile } from './get-monitoring-profile.usecase';
import { IngestSamples } from './ingest-samples.usecase';
import { ListMonitoringProfiles } from './list-monitoring-profiles.usecase';
import { ListSamples } from './list-samples.usecase';
import { MetricCatalogSource } from './metric-catalog-source';
import type { MetricPointListener } from './monitoring-ports';
import { RollUpSamples } from './roll-up-samples.usecase';
import { UpdateMonitoringProfile } from './update-monitoring-profile.usecase';

export interface MonitoringCoreDeps {
  store: MonitoringStore;
  /** Told of every point ingested: the threshold rules (alarms' EvaluateThresholds). */
  listener: MetricPointListener;
  retention?: RetentionPolicy;
  /** Devices ingested at once (IngestSamples; low on FerretDB, which locks under concurrent updates). */
  ingestConcurrency?: number;
  now?: () => number;
  newId?: () => string;
}

/** Every monitoring use case, built once on one store and one catalog (the module and the specs share this). */
export interface MonitoringUseCases {
  catalog: MetricCatalogSource;
  ingestSamples: IngestSamples;
  listSamples: ListSamples;
  rollUpSamples: RollUpSamples;
  createMonitoringProfile: CreateMonitoringProfile;
  getMonitoringProfile: GetMonitoringProfile;
  listMonitoringProfiles: ListMonitoringProfiles;
  updateMonitoringProfile: UpdateMonitoringProfile;
  deleteMonitoringProfile: DeleteMonitoringProfile;
}

export function createMonitoringUseCases(deps: MonitoringCoreDeps): MonitoringUseCases {
  const now = deps.now ?? Date.now;
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const catalog = new MetricCatalogSource(deps.store.profiles, now);
  const shared = { store: deps.store, catalog, now, newId: deps.newId ?? randomUUID, retention };
  return {
    catalog,
    ingestSamples: new IngestSamples({ store: deps.store, catalog, listener: deps.listener, now, ...(deps.ingestConcurrency !== undefined ? { concurrency: deps.ingestConcurrency } : {}) }),
    listSamples: new ListSamples(shared),
    rollUpSamples: new RollUpSamples({ store: deps.store, now, retention }),
    createMonitoringProfile: new CreateMonitoringProfile(shared),
    getMonitoringProfile: new GetMonitoringProfile(shared),
    listMonitoringProfiles: new ListMonitoringProfiles(shared),
    updateMonitoringProfile: new UpdateMonitoringProfile(shared),
    deleteMonitoringProfile: new DeleteMonitoringProfile(shared),
  };
}
