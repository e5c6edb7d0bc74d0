import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { MetricPoint } from '../../domain/metric-point';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/sample-series';
import type { MonitoringStore } from '../repositories/ports';
import { openSqliteMonitoringStore } from '../repositories/sqlite-monitoring-store';
import { CreateMonitoringProfile } from '../usecases/create-monitoring-profile.usecase';
import { DeleteMonitoringProfile } from '../usecases/delete-monitoring-profile.usecase';
import { GetMonitoringProfile } from '../usecases/get-monitoring-profile.usecase';
import { IngestSamples } from '../usecases/ingest-samples.usecase';
import { ListMonitoringProfiles } from '../usecases/list-monitoring-profiles.usecase';
import { ListSamples } from '../usecases/list-samples.usecase';
import { MetricCatalogSource } from '../usecases/metric-catalog-source';
import type { MetricPointListener } from '../usecases/monitoring-ports';
import { RollUpSamples } from '../usecases/roll-up-samples.usecase';
import { UpdateMonitoringProfile } from '../usecases/update-monitoring-profile.usecase';

/** Keeps every point handed on, as the alarms part would receive them. */
export class RecordingPointListener implements MetricPointListener {
  readonly calls: MetricPoint[][] = [];

  async onPoints(points: readonly MetricPoint[]): Promise<void> {
    this.calls.push([...points]);
  }

  get points(): MetricPoint[] {
    return this.calls.flat();
  }
}

/** A clock the test moves. */
export class FixedClock {
  constructor(public current: number) {}
  readonly now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Monitoring's use cases on the embedded store (SQLite in a temporary directory), a fixed clock and a recording listener. */
export interface MonitoringFixture {
  store: MonitoringStore;
  clock: FixedClock;
  listener: RecordingPointListener;
  catalog: MetricCatalogSource;
  ingest: IngestSamples;
  listSamples: ListSamples;
  rollUp: RollUpSamples;
  createProfile: CreateMonitoringProfile;
  updateProfile: UpdateMonitoringProfile;
  getProfile: GetMonitoringProfile;
  listProfiles: ListMonitoringProfiles;
  deleteProfile: DeleteMonitoringProfile;
  close(): Promise<void>;
}

export async function openMonitoringFixture(options: { now: number; retention?: RetentionPolicy }): Promise<MonitoringFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-monitoring-usecases-'));
  const store = openSqliteMonitoringStore({ file: join(dataDir, 'diagnostics.sqlite') });
  const clock = new FixedClock(options.now);
  const listener = new RecordingPointListener();
  const catalog = new MetricCatalogSource(store.profiles, clock.now);
  const retention = options.retention ?? DEFAULT_RETENTION;
  let ids = 0;
  const deps = { store, catalog, now: clock.now, newId: () => `profile-${++ids}`, retention };
  return {
    store,
    clock,
    listener,
    catalog,
    ingest: new IngestSamples({ store, catalog, listener, now: clock.now }),
    listSamples: new ListSamples(deps),
    rollUp: new RollUpSamples({ store, now: clock.now, retention }),
    createProfile: new CreateMonitoringProfile(deps),
    updateProfile: new UpdateMonitoringProfile(deps),
    getProfile: new GetMonitoringProfile(deps),
    listProfiles: new ListMonitoringProfiles(deps),
    deleteProfile: new DeleteMonitoringProfile(deps),
    async close() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
