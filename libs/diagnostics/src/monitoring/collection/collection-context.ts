import type { Logger } from '@acs/platform';

import type { MetricCatalog } from '../domain/metric-catalog';
import type { MonitoringProfile } from '../domain/monitoring-profile';
import type { BulkDataUrlIssuer, CollectionCatalog, CollectionDeviceStates, CollectionProfiles, CollectionTasks, TargetMembers } from './collection-ports';
import { entryKey, type CollectionEntry, type CollectionEntryRepository } from './collection-entry';
import { BULKDATA_PROFILE_OBJECT, bulkDataSettings, bulkDataSignature, readPaths } from './collection-plan';
import type { SampleBatcher } from './sample-batcher';

export interface CollectionSettings {
  /** Devices a round walks per profile's target, and reads it arms at most (default 2,000). */
  devicesPerRound: number;
  /** A walk of a profile's target starts at most this often (default a minute): a small fleet is not listed every round. */
  minWalkMs: number;
  /** How long a read waits for the device's periodic Inform before it expires and is armed again (default 2 days). */
  readExpiryMs: number;
  /** How long a BulkData set-up task waits for the device's next session (default a day). */
  setupExpiryMs: number;
  /** How long the enabled profiles are trusted between reads of the store (default 5 s). */
  profilesCacheMs: number;
}

export const DEFAULT_COLLECTION_SETTINGS: CollectionSettings = {
  devicesPerRound: 2_000,
  minWalkMs: 60_000,
  readExpiryMs: 2 * 86_400_000,
  setupExpiryMs: 86_400_000,
  profilesCacheMs: 5_000,
};

export interface CollectionDeps {
  entries: CollectionEntryRepository;
  profiles: CollectionProfiles;
  catalog: CollectionCatalog;
  deviceStates: CollectionDeviceStates;
  members: TargetMembers;
  tasks: CollectionTasks;
  samples: SampleBatcher;
  /** The BulkData collector; without it, bulkdata profiles are read. */
  bulkDataUrls?: BulkDataUrlIssuer;
  logger: Logger;
  now: () => number;
  settings: CollectionSettings;
}

/** What the round and the task outcomes share: the enabled profiles (briefly cached) and the entries' transitions. */
export class CollectionContext {
  private cached?: { profiles: Map<string, MonitoringProfile>; until: number };

  constructor(readonly deps: CollectionDeps) {}

  /** The enabled profiles by id. */
  async enabledProfiles(fresh = false): Promise<Map<string, MonitoringProfile>> {
    const now = this.deps.now();
    if (!fresh && this.cached && this.cached.until > now) return this.cached.profiles;
    const profiles = new Map((await this.deps.profiles.list()).filter((profile) => profile.enabled).map((profile) => [profile.id, profile]));
    this.cached = { profiles, until: now + this.deps.settings.profilesCacheMs };
    return profiles;
  }

  /** A device's bulkdata signature for a profile, and the paths and URL it is made of. */
  bulkDataPlan(profile: MonitoringProfile, catalog: MetricCatalog, deviceId: string, instances: Readonly<Record<string, string>>): { paths: string[]; url: string; signature: string } | undefined {
    if (!this.deps.bulkDataUrls) return undefined;
    const paths = readPaths(profile, catalog, 'Device', instances);
    const url = this.deps.bulkDataUrls.issueBulkDataUrl(deviceId);
    return { paths, url, signature: bulkDataSignature(paths, profile.intervalSeconds, url) };
  }

  /** Arms a read of the entry's device now; false when the entry changed meanwhile (the task is cancelled). */
  async armRead(entry: CollectionEntry, profile: MonitoringProfile, catalog: MetricCatalog, instances: Readonly<Record<string, string>>, extra: { lastReadAt?: number; clearFaults?: boolean } = {}): Promise<boolean> {
    const key = entryKey(entry.profileId, entry.deviceId);
    const paths = entry.root ? readPaths(profile, catalog, entry.root, instances) : [];
    if (paths.length === 0) {
      return this.deps.entries.update(key, entry.revision, { set: { mode: 'idle', ...(extra.lastReadAt !== undefined ? { lastReadAt: extra.lastReadAt } : {}) }, unset: ['dueAt', 'readTaskId'] });
    }
    const { taskId } = await this.deps.tasks.createRead({ profileId: profile.id, deviceId: entry.deviceId, paths, expiresAt: this.deps.now() + this.deps.settings.readExpiryMs });
    const updated = await this.deps.entries.update(key, entry.revision, {
      set: { readTaskId: taskId, ...(extra.lastReadAt !== undefined ? { lastReadAt: extra.lastReadAt } : {}) },
      unset: ['dueAt', ...(extra.clearFaults ? (['faults'] as const) : [])],
    });
    // Another pod armed it, or the entry went: at most one read waits per (profile, device).
    if (!updated) await this.cancelQuietly(taskId);
    return updated;
  }

  /** Starts setting up the device's BulkData profile: the AddObject of a new profile instance. */
  async beginBulkData(entry: CollectionEntry, profile: MonitoringProfile, signature: string): Promise<boolean> {
    const { taskId } = await this.deps.tasks.createAddObject({
      profileId: profile.id,
      deviceId: entry.deviceId,
      object: BULKDATA_PROFILE_OBJECT,
      values: [],
      expiresAt: this.deps.now() + this.deps.settings.setupExpiryMs,
    });
    const updated = await this.deps.entries.update(entryKey(entry.profileId, entry.deviceId), entry.revision, {
      set: { mode: 'bulkdata', bulkData: { phase: 'adding', taskId, signature, at: this.deps.now() } },
      unset: ['dueAt', 'readTaskId'],
    });
    if (!updated) await this.cancelQuietly(taskId);
    return updated;
  }

  /** The Parameter instances of an added BulkData profile: one AddObject (with its Reference) per path. */
  async addBulkDataParameters(entry: CollectionEntry, profile: MonitoringProfile, instance: string, paths: readonly string[]): Promise<void> {
    const expiresAt = this.deps.now() + this.deps.settings.setupExpiryMs;
    for (const path of paths) {
      await this.deps.tasks.createAddObject({ profileId: profile.id, deviceId: entry.deviceId, object: `${instance}.Parameter.`, values: [{ name: 'Reference', value: path, type: 'xsd:string' }], expiresAt });
    }
  }

  /** The settings of a BulkData profile whose Parameters are all set: one SetParameterValues, Enable last. Its task id. */
  async configureBulkData(entry: CollectionEntry, profile: MonitoringProfile, instance: string, url: string): Promise<string> {
    const expiresAt = this.deps.now() + this.deps.settings.setupExpiryMs;
    const { taskId } = await this.deps.tasks.createSet({ profileId: profile.id, deviceId: entry.deviceId, values: bulkDataSettings(instance, profile.intervalSeconds, url), expiresAt });
    return taskId;
  }

  /** Takes down what an entry left on the device and in provisioning: its waiting read, its BulkData profile. */
  async release(entry: CollectionEntry): Promise<void> {
    if (entry.readTaskId) await this.cancelQuietly(entry.readTaskId);
    if (entry.bulkData?.taskId) await this.cancelQuietly(entry.bulkData.taskId);
    if (entry.bulkData?.instance) {
      await this.deps.tasks
        .createDeleteObject({ profileId: entry.profileId, deviceId: entry.deviceId, instance: entry.bulkData.instance, expiresAt: this.deps.now() + this.deps.settings.setupExpiryMs })
        .catch((error: unknown) => this.deps.logger.warn({ err: error, deviceId: entry.deviceId, instance: entry.bulkData?.instance }, 'could not ask the device to delete its BulkData profile'));
    }
  }

  async cancelQuietly(taskId: string): Promise<void> {
    await this.deps.tasks.cancel(taskId).catch((error: unknown) => this.deps.logger.warn({ err: error, taskId }, 'could not cancel a monitoring task'));
  }
}
