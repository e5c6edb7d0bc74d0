import type { DataModelRoot } from '../../domain/diagnostics-catalog';

/** The source of a monitoring profile's provisioning tasks: `diagnostics:monitoring:<profileId>`. */
export const MONITORING_TASK_SOURCE_PREFIX = 'diagnostics:monitoring:';

export function monitoringTaskSource(profileId: string): string {
  return `${MONITORING_TASK_SOURCE_PREFIX}${profileId}`;
}

/** The profile a task was filed for, or null for any other task. */
export function profileIdOfTaskSource(source: string): string | null {
  return source.startsWith(MONITORING_TASK_SOURCE_PREFIX) && source.length > MONITORING_TASK_SOURCE_PREFIX.length ? source.slice(MONITORING_TASK_SOURCE_PREFIX.length) : null;
}

/**
 * How a device of a profile is collected: `reads` (a read waiting for each periodic Inform), `bulkdata` (a BulkData
 * profile on the device reports by itself), `idle` (none of the profile's metrics exists on its data model).
 */
export type CollectionMode = 'reads' | 'bulkdata' | 'idle';

/** Where setting up (or taking down) a device's BulkData profile stands. */
export interface BulkDataSetup {
  /**
   * adding: the AddObject of the profile; parameters: its Parameter instances (each an AddObject with its Reference);
   * configuring: its settings, enabled last; configured: it reports; refused: the device refused it (no BulkData
   * HTTP): it is read instead until the profile changes.
   */
  phase: 'adding' | 'parameters' | 'configuring' | 'configured' | 'refused';
  /** The task the phase waits for (adding, configuring). */
  taskId?: string;
  /**
   * parameters: how many Parameter tasks are not done yet. The settings (Enable) wait for all of them: an AddObject
   * with values is two RPCs, and its second is queued behind work queued meanwhile — a profile enabled before its
   * References are set would report without them. Counted, not named: the phase is stored before the tasks are
   * created, so a device that answers at once finds it.
   */
  parametersLeft?: number;
  /** The device's instance (`Device.BulkData.Profile.3`), once added. */
  instance?: string;
  /** What was set up (metrics, interval, collector URL): a profile changed since is set up again. */
  signature: string;
  at: number;
}

/**
 * What the collection keeps per (profile, device): the device was in the profile's target at the walk of `seenAt`;
 * a read waiting for its next Inform (`readTaskId`) or the time the next one is due (`dueAt`) — never both, so a
 * device has at most one pending read per profile; its BulkData set-up.
 */
export interface CollectionEntry {
  profileId: string;
  deviceId: string;
  root?: DataModelRoot;
  mode: CollectionMode;
  /** Start time of the last membership walk that found the device in the target. */
  seenAt: number;
  readTaskId?: string;
  dueAt?: number;
  /** When the last read's values were taken (the task's completion). */
  lastReadAt?: number;
  bulkData?: BulkDataSetup;
  /** Faults in a row of its tasks: reads back off with them. */
  faults?: number;
  /** 0 before it is stored; each change adds one. */
  revision: number;
}

export function entryKey(profileId: string, deviceId: string): string {
  return `${profileId}|${deviceId}`;
}

/** A change to an entry: fields set and fields removed (`readTaskId` when a read ends, `dueAt` when one is armed). */
export interface EntryChange {
  set?: Partial<Omit<CollectionEntry, 'profileId' | 'deviceId' | 'revision' | 'seenAt'>>;
  unset?: ReadonlyArray<'readTaskId' | 'dueAt' | 'bulkData' | 'faults' | 'lastReadAt'>;
}

export interface CollectionEntryRepository {
  /** The stored entries of these (profile, device) keys (entryKey). */
  getMany(keys: readonly string[]): Promise<Map<string, CollectionEntry>>;
  /** Stores a new entry; false when one exists already (another pod's walk was first). */
  insert(entry: CollectionEntry): Promise<boolean>;
  /** Applies a change if the entry is still at `expectedRevision`; whether it was. */
  update(key: string, expectedRevision: number, change: EntryChange): Promise<boolean>;
  /** Records that a walk started at `seenAt` found these devices (never moves seenAt back). */
  markSeen(profileId: string, deviceIds: readonly string[], seenAt: number): Promise<void>;
  /** Entries whose next read is due at `now`, the longest due first. */
  due(now: number, limit: number): Promise<CollectionEntry[]>;
  /** Entries of a profile not found by the walk that started at `walkStartedAt` (they left the target). */
  stale(profileId: string, walkStartedAt: number, limit: number): Promise<CollectionEntry[]>;
  /** Entries of profiles other than these (deleted or disabled ones). */
  outside(profileIds: readonly string[], limit: number): Promise<CollectionEntry[]>;
  /** Deletes an entry if it is still at `expectedRevision`; whether it was. */
  delete(key: string, expectedRevision: number): Promise<boolean>;
}
