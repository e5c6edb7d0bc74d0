import { evaluateFilter } from '@acs/filter';
import type { Logger } from '@acs/platform';

import { DEVICE_VIEW_READER, type DeviceView } from '../domain/device-view';
import { GroupDirectory } from '../domain/group-directory';
import type { Group, MembershipChange, MembershipReason } from '../domain/group';
import { parameterPathsOf } from '../domain/group-rule';
import type { GroupingStore } from '../repositories/ports';
import type { DeviceInventory, GroupEvents } from './grouping-ports';

/** What one full evaluation of a group (and the groups nested in it) changed. */
export interface EvaluationResult {
  groupId: string;
  members: number;
  joined: number;
  left: number;
  /** Groups evaluated: the group and every group nested in it. */
  groups: number;
}

/** How a device changed, from an acs.device event. */
export interface DeviceChange {
  deviceId: string;
  /** Reference keys whose values may have changed (`field:…`, `param:…`, `tag`, or EVERY_KEY). */
  touched: ReadonlySet<string>;
  /** What the event itself tells of the device, used when it covers every key the affected groups read. */
  view?: DeviceView;
  /** The device was deleted: it leaves every group. */
  deleted?: boolean;
}

export interface MembershipMaintainerDeps {
  store: GroupingStore;
  inventory: DeviceInventory;
  events: GroupEvents;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  /** Devices per page read from provisioning in a full evaluation. */
  pageSize?: number;
  /**
   * How long the groups read are used before they are read again (default 5 s): a group another pod created or
   * changed is maintained here from then on. This process's own changes are seen at once.
   */
  groupsMaxAgeMs?: number;
}

const EVENT_BATCH = 500;

/**
 * The one writer of memberships (docs/grouping.md). A group's effective members are those its own rule selects
 * (a static group's explicit list, a dynamic group's filter over the inventory) that are members of its parent, if
 * it has one (ADR 27). Two ways keep them current:
 * - a full evaluation of a group (at creation, when its rule or parent changes, on demand): its rule's devices
 *   streamed from provisioning, intersected with the parent's members, diffed with the stored members; then every
 *   child, parents first;
 * - a device change (an acs.device event): only the dynamic groups whose filters read what changed, and the groups
 *   nested in them, evaluated for that one device, in memory when the event tells every value they read, else on
 *   the device read once from provisioning.
 * Work is serialised in the process, so an event and a full evaluation never interleave their reads and writes.
 */
export class MembershipMaintainer {
  private directory: { groups: GroupDirectory; readAt: number } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pageSize: number;

  constructor(private readonly deps: MembershipMaintainerDeps) {
    this.pageSize = deps.pageSize ?? 1000;
  }

  /** Runs `work` after everything queued before it. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The groups as last read; re-read after `invalidate` (a group written by this process) or once they are too old. */
  async groups(): Promise<GroupDirectory> {
    const now = this.deps.now();
    if (!this.directory || now - this.directory.readAt >= (this.deps.groupsMaxAgeMs ?? 5000)) {
      this.directory = { groups: new GroupDirectory(await this.deps.store.groups.all()), readAt: now };
    }
    return this.directory.groups;
  }

  invalidate(): void {
    this.directory = null;
  }

  /** Re-evaluates a group and every group nested in it from the inventory (serialised). */
  evaluate(groupId: string): Promise<EvaluationResult> {
    return this.serially(() => this.evaluateNow(groupId));
  }

  /** Applies one device's change to the groups it may affect (serialised); the membership changes made. */
  applyDeviceChange(change: DeviceChange): Promise<MembershipChange[]> {
    return this.serially(() => (change.deleted ? this.removeDevice(change.deviceId) : this.reevaluateDevice(change)));
  }

  /** For use inside `serially` (a use case that already holds the queue). */
  async evaluateNow(groupId: string): Promise<EvaluationResult> {
    const directory = await this.groups();
    const subtree = directory.subtree(groupId);
    const result: EvaluationResult = { groupId, members: 0, joined: 0, left: 0, groups: 0 };
    for (const group of subtree) {
      const one = await this.evaluateOne(group);
      if (group.id === groupId) result.members = one.members;
      result.joined += one.joined;
      result.left += one.left;
      result.groups += 1;
    }
    return result;
  }

  private async evaluateOne(group: Group): Promise<{ members: number; joined: number; left: number }> {
    const { store, now } = this.deps;
    const own = group.kind === 'dynamic' ? await this.matching(group.filter ?? '') : await this.allOf((after) => store.explicitMembers.members(group.id, { after, limit: this.pageSize }));
    const parent = group.parentId ? await this.allOf((after) => store.members.members(group.parentId!, { after, limit: this.pageSize })) : null;
    const should = parent ? new Set([...own].filter((id) => parent.has(id))) : own;
    const changes = new ChangeBatch(this.deps.events);
    let left = 0;
    let after = '';
    do {
      const page = await store.members.members(group.id, { after, limit: this.pageSize });
      for (const deviceId of page.deviceIds) {
        if (should.delete(deviceId)) continue;
        if (await store.members.remove(group.id, deviceId)) {
          left += 1;
          await changes.add({ group, deviceId, joined: false, reason: parent && !parent.has(deviceId) ? 'parent' : 'rule' });
        }
      }
      after = page.next;
    } while (after !== '');
    // What is left in `should` is not stored yet.
    let joined = 0;
    const at = now();
    for (const deviceId of should) {
      if (await store.members.add(group.id, deviceId, at)) {
        joined += 1;
        await changes.add({ group, deviceId, joined: true, reason: 'rule' });
      }
    }
    await changes.flush();
    return { members: await store.members.count(group.id), joined, left };
  }

  private async reevaluateDevice(change: DeviceChange): Promise<MembershipChange[]> {
    const directory = await this.groups();
    const affected = directory.affectedBy(change.touched);
    if (affected.length === 0) return [];
    const keys = directory.keysRead(affected);
    let view = change.view && [...keys].every((key) => change.view!.known.has(key)) ? change.view : null;
    if (!view) {
      view = await this.deps.inventory.device(change.deviceId, parameterPathsOf(keys));
      // Gone from the inventory since the event: its deletion's own event removes it everywhere.
      if (!view) return [];
    }
    const { store, now } = this.deps;
    /** This pass's answers, so a child reads its parent's new membership. */
    const decided = new Map<string, { member: boolean; changed: boolean }>();
    const changes: MembershipChange[] = [];
    for (const group of affected) {
      const rule = directory.ruleOf(group.id);
      const own = rule ? evaluateFilter(rule.expr, view, DEVICE_VIEW_READER) : await store.explicitMembers.has(group.id, change.deviceId);
      const parentDecision = group.parentId ? decided.get(group.parentId) : undefined;
      const inParent = !group.parentId || (parentDecision ? parentDecision.member : await store.members.has(group.parentId, change.deviceId));
      const member = own && inParent;
      const wasMember = await store.members.has(group.id, change.deviceId);
      const changed = member !== wasMember && (member ? await store.members.add(group.id, change.deviceId, now()) : await store.members.remove(group.id, change.deviceId));
      decided.set(group.id, { member, changed });
      if (!changed) continue;
      const reason: MembershipReason = parentDecision?.changed || (!member && !inParent) ? 'parent' : 'rule';
      changes.push({ group, deviceId: change.deviceId, joined: member, reason });
    }
    if (changes.length > 0) await this.deps.events.membershipChanged(changes);
    return changes;
  }

  private async removeDevice(deviceId: string): Promise<MembershipChange[]> {
    const directory = await this.groups();
    const { store } = this.deps;
    const changes: MembershipChange[] = [];
    for (const groupId of await store.members.groupsOf(deviceId)) {
      const group = directory.get(groupId);
      if ((await store.members.remove(groupId, deviceId)) && group) changes.push({ group, deviceId, joined: false, reason: 'deleted' });
    }
    // A deleted device's place in static lists goes too: a device registering again under its id is a new device.
    await store.explicitMembers.removeDevice(deviceId);
    if (changes.length > 0) await this.deps.events.membershipChanged(changes);
    return changes;
  }

  /** Every id a filter selects in the inventory. */
  async matching(filter: string): Promise<Set<string>> {
    const ids = new Set<string>();
    let token = '';
    do {
      const page = await this.deps.inventory.matchingIds(filter, token, this.pageSize);
      for (const id of page.ids) ids.add(id);
      token = page.nextPageToken;
    } while (token !== '');
    return ids;
  }

  private async allOf(page: (after: string) => Promise<{ deviceIds: string[]; next: string }>): Promise<Set<string>> {
    const ids = new Set<string>();
    let after = '';
    do {
      const read = await page(after);
      for (const id of read.deviceIds) ids.add(id);
      after = read.next;
    } while (after !== '');
    return ids;
  }
}

/** Membership changes published in batches: a group of 100,000 devices created is 100,000 device-joined events. */
class ChangeBatch {
  private pending: MembershipChange[] = [];

  constructor(private readonly events: GroupEvents) {}

  async add(change: MembershipChange): Promise<void> {
    this.pending.push(change);
    if (this.pending.length >= EVENT_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.events.membershipChanged(batch);
  }
}
