import type { LeaseRepository, Page, Paged } from '@acs/platform';
import type { RolloutStore } from '@acs/rollout';

import type { Group } from '../domain/group';
import type { Job } from '../domain/job';

/** A page of a group's members in device-id order: the next page starts after the last id (keyset paging). */
export interface MemberPage {
  deviceIds: string[];
  /** The last id of this page when more may follow, '' at the end. */
  next: string;
}

/** The groups (`grouping.groups`) and their names (`grouping.groupNames`, one document per name: names are unique). */
export interface GroupRepository {
  /** ConflictError (already-exists) when the name is taken. */
  insert(group: Group): Promise<void>;
  get(id: string): Promise<Group | null>;
  /** Every group (they are few: hundreds), by name. */
  all(): Promise<Group[]>;
  /**
   * Replaces the group when its revision is still `expectedRevision` (the stored one moves on); ConflictError
   * (already-exists) when a new name is taken, (concurrent-write) when the revision moved.
   */
  update(group: Group, expectedRevision: number): Promise<void>;
  /** Whether it existed; frees its name. */
  delete(id: string): Promise<boolean>;
}

/**
 * Pairs (group, device): the effective members of groups (`grouping.members`), or the explicit lists of static groups
 * (`grouping.explicitMembers`). One contract (testing/membership-repository.contract.ts) on both stores.
 */
export interface MembershipRepository {
  /** Whether the pair is new (false: it was there already). */
  add(groupId: string, deviceId: string, since: number): Promise<boolean>;
  /** Whether the pair was there. */
  remove(groupId: string, deviceId: string): Promise<boolean>;
  has(groupId: string, deviceId: string): Promise<boolean>;
  /** Members in device-id order after `after` ('' from the start). */
  members(groupId: string, options: { after: string; limit: number }): Promise<MemberPage>;
  count(groupId: string): Promise<number>;
  /** The groups a device is in, by group id. */
  groupsOf(deviceId: string): Promise<string[]>;
  /** Removes every pair of a group; how many. */
  removeGroup(groupId: string): Promise<number>;
  /** Removes every pair of a device (a deleted device); how many. */
  removeDevice(deviceId: string): Promise<number>;
}

/** The bulk jobs (`grouping.jobs`); their runs are rollouts (RolloutStore). One contract (testing/job-repository.contract.ts) on both stores. */
export interface JobRepository {
  /** ConflictError (already-exists) when the id is taken. */
  insert(job: Job): Promise<void>;
  get(id: string): Promise<Job | null>;
  /** Newest first. */
  list(page: Page): Promise<Paged<Job>>;
  /** Replaces the job when its revision is still `expectedRevision`; the job as stored (revision moved on), or null when it moved meanwhile. */
  update(job: Job, expectedRevision: number): Promise<Job | null>;
  /** Jobs whose next run is due by `now`, the earliest first. */
  due(now: number, limit: number): Promise<Job[]>;
  /** Campaign jobs whose current run is still going (starting, created, running, paused): the runs each round follows. */
  campaignRunsGoing(limit: number): Promise<Job[]>;
}

/** The grouping service's persistence, as the module and the use cases take it. */
export interface GroupingStore {
  groups: GroupRepository;
  members: MembershipRepository;
  explicitMembers: MembershipRepository;
  /** Leases (`grouping.leases`): the platform's DocumentLeases. */
  leases: LeaseRepository;
  jobs: JobRepository;
  /** The jobs' runs (`grouping.rollouts`, `grouping.rolloutTargets`, `grouping.rolloutObservations`). */
  rollouts: RolloutStore;
  close(): Promise<void>;
}
