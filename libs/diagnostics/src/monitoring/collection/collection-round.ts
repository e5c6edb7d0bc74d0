import type { MetricCatalog } from '../domain/metric-catalog';
import type { MonitoringProfile } from '../domain/monitoring-profile';
import type { TargetDevice } from './collection-ports';
import type { CollectionContext } from './collection-context';
import { entryKey, type CollectionEntry } from './collection-entry';
import { collectionModeOf, needsBulkDataSetup } from './collection-plan';

/** Where a profile's membership walk stands (per pod: a pod that starts begins a new walk). */
interface Walk {
  /** Entries not found since this time have left the target once the walk is through. */
  startedAt: number;
  /** The next page's token; '' at the start. */
  after: string;
  /** The pages are through: the walk is removing the entries it did not find. */
  sweeping: boolean;
  /** The profile's revision it walks for: a changed profile (target, metrics) is walked afresh. */
  revision: number;
}

export interface CollectionRoundSummary {
  /** Devices the walks visited. */
  visited: number;
  /** Entries created (devices new to a profile's target). */
  added: number;
  /** Entries removed (devices that left a target; profiles deleted or disabled). */
  removed: number;
  /** Reads armed because they were due. */
  armed: number;
  /** BulkData set-ups started. */
  bulkDataStarted: number;
}

/**
 * One round of the collection, on a timer (PeriodicRounds): with a bounded number of devices per round, so that a
 * million devices are a matter of rounds, never of one long pass.
 * 1. Entries of profiles deleted or disabled are released (their read cancelled, their BulkData profile deleted).
 * 2. Each enabled profile's target is walked a page further: a device new to it gets an entry (a read due now, or
 *    its BulkData set-up begun), a known one is marked seen (and set up again if the profile changed how it is
 *    collected); when the pages are through, the entries the walk did not see (devices that left) are released.
 * 3. Reads that are due are armed: a getParameterValues task waiting for the device's `2 PERIODIC` Inform.
 * Every change is a compare-and-set on the entry, so pods running rounds at once arm one read per (profile, device).
 */
export class CollectionRound {
  private readonly walks = new Map<string, Walk>();

  constructor(private readonly context: CollectionContext) {}

  async execute(): Promise<CollectionRoundSummary> {
    const { deps } = this.context;
    const summary: CollectionRoundSummary = { visited: 0, added: 0, removed: 0, armed: 0, bulkDataStarted: 0 };
    const profiles = await this.context.enabledProfiles(true);
    const catalog = await deps.catalog.current();
    const limit = deps.settings.devicesPerRound;

    for (const entry of await deps.entries.outside([...profiles.keys()], limit)) {
      await this.context.release(entry);
      if (await deps.entries.delete(entryKey(entry.profileId, entry.deviceId), entry.revision)) summary.removed++;
    }
    for (const id of this.walks.keys()) if (!profiles.has(id)) this.walks.delete(id);

    const perProfile = Math.max(1, Math.floor(limit / Math.max(1, profiles.size)));
    for (const profile of profiles.values()) await this.walkStep(profile, catalog, perProfile, summary);

    const due = await deps.entries.due(deps.now(), limit);
    const instances = await deps.deviceStates.getMany(due.map((entry) => entry.deviceId));
    for (const entry of due) {
      const profile = profiles.get(entry.profileId);
      if (!profile || entry.mode !== 'reads') continue;
      if (await this.context.armRead(entry, profile, catalog, instances.get(entry.deviceId)?.instances ?? {})) summary.armed++;
    }
    return summary;
  }

  private async walkStep(profile: MonitoringProfile, catalog: MetricCatalog, limit: number, summary: CollectionRoundSummary): Promise<void> {
    const { deps } = this.context;
    const now = deps.now();
    let walk = this.walks.get(profile.id);
    if (walk && walk.revision !== profile.revision) walk = undefined;
    if (!walk) {
      walk = { startedAt: now, after: '', sweeping: false, revision: profile.revision };
      this.walks.set(profile.id, walk);
    }
    if (walk.startedAt > now) return;
    if (!walk.sweeping) {
      const page = await deps.members.page(profile.target, walk.after, limit);
      await this.visit(profile, catalog, page.devices, walk.startedAt, summary);
      walk.after = page.next;
      walk.sweeping = page.next === '';
      if (!walk.sweeping) return;
    }
    const stale = await deps.entries.stale(profile.id, walk.startedAt, limit);
    for (const entry of stale) {
      await this.context.release(entry);
      if (await deps.entries.delete(entryKey(entry.profileId, entry.deviceId), entry.revision)) summary.removed++;
    }
    if (stale.length < limit) {
      // Through: the next walk starts after minWalkMs (after this one's start), with a start later than every mark of this one.
      this.walks.set(profile.id, { startedAt: Math.max(walk.startedAt + deps.settings.minWalkMs, now + 1), after: '', sweeping: false, revision: profile.revision });
    }
  }

  private async visit(profile: MonitoringProfile, catalog: MetricCatalog, devices: readonly TargetDevice[], seenAt: number, summary: CollectionRoundSummary): Promise<void> {
    const { deps } = this.context;
    // A device that has not informed yet has no data model: it joins at a later walk.
    const known = devices.filter((device) => device.root !== undefined);
    summary.visited += known.length;
    if (known.length === 0) return;
    const entries = await deps.entries.getMany(known.map((device) => entryKey(profile.id, device.deviceId)));
    const states = profile.source === 'bulkdata' ? await deps.deviceStates.getMany(known.map((device) => device.deviceId)) : new Map();
    const seen: string[] = [];
    for (const device of known) {
      const root = device.root!;
      const plan = root === 'Device' ? this.context.bulkDataPlan(profile, catalog, device.deviceId, states.get(device.deviceId)?.instances ?? {}) : undefined;
      const existing = entries.get(entryKey(profile.id, device.deviceId));
      const refused = existing?.bulkData?.phase === 'refused' ? existing.bulkData.signature : undefined;
      const mode = collectionModeOf(profile, catalog, root, { bulkDataCollector: plan !== undefined, ...(refused !== undefined ? { refusedSignature: refused } : {}), ...(plan ? { signature: plan.signature } : {}) });
      if (!existing) {
        const entry: CollectionEntry = { profileId: profile.id, deviceId: device.deviceId, root, mode, seenAt, ...(mode === 'reads' ? { dueAt: deps.now() } : {}), revision: 0 };
        if (!(await deps.entries.insert(entry))) continue;
        summary.added++;
        if (mode === 'bulkdata' && (await this.context.beginBulkData({ ...entry, revision: 1 }, profile, plan!.signature))) summary.bulkDataStarted++;
        continue;
      }
      seen.push(device.deviceId);
      if (mode === 'bulkdata' && plan && (existing.mode !== 'bulkdata' || needsBulkDataSetup(existing, plan.signature))) {
        // New to BulkData, or set up for another profile definition: what was there goes, the set-up starts over.
        await this.context.release(existing);
        if (await this.context.beginBulkData({ ...existing, root }, profile, plan.signature)) summary.bulkDataStarted++;
      } else if (mode !== 'bulkdata' && existing.mode !== mode) {
        // Collected another way now (the profile's source changed, or its metrics): the old way is taken down.
        await this.context.release(existing);
        const keepRefusal = existing.bulkData?.phase === 'refused';
        await deps.entries.update(entryKey(profile.id, device.deviceId), existing.revision, {
          set: { mode, root, ...(mode === 'reads' ? { dueAt: deps.now() } : {}) },
          unset: ['readTaskId', 'dueAt', ...(keepRefusal ? [] : (['bulkData'] as const))],
        });
      }
    }
    await deps.entries.markSeen(profile.id, seen, seenAt);
  }
}
