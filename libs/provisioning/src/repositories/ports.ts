import type { DeviceFault, DeviceRecord, DeviceSummary, InformFacts, ParameterUpdate, Preset, Task, TaskResultEntryKind, TaskStatus } from '../domain';

// Listings page alike in every service; the repositories' importers keep taking the types from here.
import type { Page, Paged } from '@acs/platform';
export type { Page, Paged };

/** A device as a projected query returns it: the id, and only the fields (and parameters) asked for. */
export type ProjectedDevice = Pick<DeviceRecord, 'id'> & Partial<Omit<DeviceRecord, 'id'>>;

/** A filter over the stored device shape (see stored-device.ts), as the filter language compiles it. */
export type DeviceFilter = Record<string, unknown>;

export type SortDirection = 1 | -1;

export interface DeviceQuery {
  filter: DeviceFilter;
  /**
   * Device field names (`serialNumber`, `tags`, `parameters` for the whole tree) and parameter path prefixes
   * (`Device.DeviceInfo`, `Device.WiFi.SSID.1.SSID`). Absent: whole devices.
   */
  projection?: string[];
  /** Device field names or parameter paths (sorted by value). Ties are broken by id, so pages are stable. */
  sort?: Array<[string, SortDirection]>;
  skip: number;
  limit: number;
  /**
   * Keyset paging: only devices whose id sorts after this one. Only with the sort by id alone (absent, `[]` or
   * `[['id', 1]]`) and `skip` 0: a deep page is then an index range, not an OFFSET over the pages before it.
   */
  afterId?: string;
}

/** The device inventory: one document per device, its known parameter tree inside. */
export interface DeviceRepository {
  get(id: string): Promise<DeviceRecord | null>;
  /**
   * Upserts the device an Inform describes: Inform fields, registeredAt (first Inform), lastInform, lastBoot
   * (`1 BOOT`), lastBootstrap (`0 BOOTSTRAP`), recentEvents (newest first, at most 20; a redelivered Inform with the
   * same `at` is not recorded twice) and the Inform's parameters. On `0 BOOTSTRAP` the known parameter tree is
   * cleared first: a bootstrapped device is a new device (tags and registeredAt stay). Returns the device as it now
   * is, without its parameter tree.
   */
  applyInform(facts: InformFacts): Promise<{ created: boolean; device: DeviceSummary }>;
  /** Merges the updates into the tree (fields an update leaves out keep their value). DeviceNotFoundError if absent. */
  setParameters(id: string, updates: ParameterUpdate[], at: number): Promise<void>;
  /**
   * After a GetParameterNames/refresh of `path`: applies `updates` (all under `path`) and removes the nodes under
   * `path` that are not among them. `path` itself stays.
   */
  replaceSubtree(id: string, path: string, updates: ParameterUpdate[], at: number): Promise<void>;
  /** Forgets `path` and everything under it (after a DeleteObject, or a 9005 on refresh). */
  deleteSubtree(id: string, path: string): Promise<void>;
  /** Adds then removes tags (a tag in both is removed); returns the device's tags after. */
  setTags(id: string, add: string[], remove: string[]): Promise<string[]>;
  /**
   * Remembers the connection-request credentials the ACS set on the device (CPEs read passwords back empty, so they
   * cannot be learnt from the device). Throws DeviceNotFoundError for an unknown device.
   */
  setConnectionRequestCredentials(id: string, username: string, password: string): Promise<void>;
  /** A page of the matches and how many match in all. */
  query(query: DeviceQuery): Promise<Paged<ProjectedDevice>>;
  /** A page of the matches, not counted: a walk over many devices pays for its pages only. */
  find(query: DeviceQuery): Promise<ProjectedDevice[]>;
  delete(id: string): Promise<boolean>;
  count(filter: DeviceFilter): Promise<number>;
}

export interface TaskListFilter {
  deviceId?: string;
  status?: TaskStatus[];
  source?: string;
}

export interface TaskRepository {
  /** DuplicateTaskError when a task with this id exists. */
  create(task: Task): Promise<void>;
  get(id: string): Promise<Task | null>;
  /** Compare-and-set: writes only when the stored revision is `task.revision - 1`; false otherwise (or if absent). */
  update(task: Task): Promise<boolean>;
  /** Newest first (createdAt, then id). */
  list(filter: TaskListFilter, page: Page): Promise<Paged<Task>>;
  /** Pending tasks whose notBefore has come (or that have none), the longest waiting first. */
  due(now: number, limit: number): Promise<Task[]>;
  /** Pending and dispatched tasks of a device, oldest first. */
  activeForDevice(deviceId: string): Promise<Task[]>;
  /**
   * Marks pending/dispatched tasks whose expiresAt ≤ now as expired (revision bumped, fault `expired`, workItemIds
   * kept so the caller can withdraw them) and returns those this call expired. At most `limit` per call.
   */
  expire(now: number, limit?: number): Promise<Task[]>;
  /** Deletes the task and its result stored apart (TaskResultRepository). */
  delete(id: string): Promise<boolean>;
}

/**
 * Task results too large to live in the task's document (INLINE_RESULT_MAX_BYTES), kept apart as a list of entries
 * in chunks, read by offset. A result is written once, when its task is done, and deleted with the task.
 */
export interface TaskResultRepository {
  /** Writes (or writes again, replacing) a task's result entries. */
  save(taskId: string, kind: TaskResultEntryKind, entries: readonly unknown[]): Promise<void>;
  /** Entries `page.skip` … `page.skip + page.limit - 1` of the task's result, in order; [] past the end or when none. */
  read(taskId: string, page: Page): Promise<unknown[]>;
  delete(taskId: string): Promise<void>;
}

/** A preset written or deleted since a point in time; `preset` is null for a deletion. */
export interface PresetChange {
  name: string;
  at: number;
  preset: Preset | null;
}

export interface PresetRepository {
  /** Live presets, by name. */
  list(): Promise<Preset[]>;
  get(name: string): Promise<Preset | null>;
  /** Insert or replace by name. */
  put(preset: Preset): Promise<void>;
  /** Deletes a preset, leaving a tombstone so changedSince reports it. False when there was none. */
  delete(name: string, at?: number): Promise<boolean>;
  /** Presets put (updatedAt > ts) or deleted (at > ts) since `ts`, oldest change first. */
  changedSince(ts: number): Promise<PresetChange[]>;
}

export interface FaultRaise {
  deviceId: string;
  channel: string;
  code: string;
  message: string;
  detail?: unknown;
  at: number;
}

export interface FaultListFilter {
  deviceId?: string;
  channel?: string;
}

export interface FaultRepository {
  /** Creates the device's fault on the channel (retries 0), or replaces code/message/detail and counts a retry. */
  raise(fault: FaultRaise): Promise<DeviceFault>;
  clear(deviceId: string, channel: string): Promise<boolean>;
  /** Latest first (lastAt). */
  list(filter: FaultListFilter, page: Page): Promise<Paged<DeviceFault>>;
  get(deviceId: string, channel: string): Promise<DeviceFault | null>;
}

/** The repositories of provisioning on one store, and how to let go of it. */
export interface ProvisioningStore {
  devices: DeviceRepository;
  tasks: TaskRepository;
  taskResults: TaskResultRepository;
  presets: PresetRepository;
  faults: FaultRepository;
  close(): Promise<void>;
}

export class DeviceNotFoundError extends Error {
  constructor(readonly deviceId: string) {
    super(`device ${deviceId} not found`);
    this.name = 'DeviceNotFoundError';
  }
}

export class DuplicateTaskError extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId} already exists`);
    this.name = 'DuplicateTaskError';
  }
}

/** A query the repositories refuse (bad page, sort or projection), before it reaches the store. */
export { InvalidQueryError } from '@acs/platform';

/** A write kept losing its compare-and-set to concurrent writers of the same document. */
export class ConcurrentWriteError extends Error {
  constructor(what: string) {
    super(`${what} kept changing under concurrent writes; gave up`);
    this.name = 'ConcurrentWriteError';
  }
}
