import type { AcsTaskEventData } from '@acs/contracts';

import type { CollectionContext } from './collection-context';
import { entryKey, profileIdOfTaskSource, type CollectionEntry } from './collection-entry';
import { faultBackOffMs, nextReadDue } from './collection-plan';

/**
 * What the collection's tasks came to, from their `acs.task` events (only tasks of `diagnostics:monitoring:<id>`, and
 * only the one an entry waits for: a task the entry no longer names is history):
 * - a read done: its values are ingested (source `read`, at the event's time: when the device answered), and the
 *   next read is armed at once if due by then (a device informing no more often than the interval is read at each
 *   periodic Inform), else when it is due (the round arms it). Faulted: read again after a back-off. Expired or
 *   cancelled by someone else: read again now.
 * - the BulkData profile's AddObject done: its Parameters and settings follow; the settings done: it reports.
 *   Faulted: the device has no BulkData HTTP (or refused it): it is read instead. Expired: set up again at the
 *   walk's next visit.
 * A redelivered event finds the entry moved on and changes nothing (ingesting twice stores nothing twice).
 */
/** Times one set-up step is applied again to an entry that keeps changing under it. */
const MAX_STEP_RETRIES = 5;

export class CollectionTaskOutcomes {
  /** Set-up steps being applied again, by task id (bounds `again`). */
  private readonly retries = new Map<string, number>();

  constructor(private readonly context: CollectionContext) {}

  async onTask(task: AcsTaskEventData, at: number): Promise<void> {
    const profileId = profileIdOfTaskSource(task.source);
    if (profileId === null) return;
    if (task.status !== 'done' && task.status !== 'faulted' && task.status !== 'expired' && task.status !== 'cancelled') return;
    const key = entryKey(profileId, task.deviceId);
    const entry = (await this.context.deps.entries.getMany([key])).get(key);
    if (!entry) return;
    if (entry.readTaskId === task.taskId) await this.onRead(entry, task, at);
    else if (entry.bulkData?.taskId === task.taskId) await this.onBulkDataSetup(entry, task);
    else if (entry.bulkData?.phase === 'parameters' && task.kind === 'addObject') await this.onBulkDataParameter(entry, task);
  }

  private async onRead(entry: CollectionEntry, task: AcsTaskEventData, at: number): Promise<void> {
    const { deps } = this.context;
    const key = entryKey(entry.profileId, entry.deviceId);
    const profile = (await this.context.enabledProfiles()).get(entry.profileId);
    const interval = profile?.intervalSeconds ?? 900;
    if (task.status === 'done') {
      const values = inlineValuesOf(task) ?? (await deps.tasks.readValues(task.taskId));
      await deps.samples.add([{ deviceId: entry.deviceId, at, source: 'read', values }]);
      // A profile disabled or deleted meanwhile: the round releases the entry.
      if (!profile) {
        await deps.entries.update(key, entry.revision, { set: { lastReadAt: at }, unset: ['readTaskId'] });
        return;
      }
      const due = nextReadDue(at, interval);
      if (due <= deps.now()) {
        const catalog = await deps.catalog.current();
        const instances = (await deps.deviceStates.getMany([entry.deviceId])).get(entry.deviceId)?.instances ?? {};
        await this.context.armRead(entry, profile, catalog, instances, { lastReadAt: at, clearFaults: true });
      } else {
        await deps.entries.update(key, entry.revision, { set: { dueAt: due, lastReadAt: at }, unset: ['readTaskId', 'faults'] });
      }
      return;
    }
    if (task.status === 'faulted') {
      const faults = (entry.faults ?? 0) + 1;
      if (faults === 1) deps.logger.warn({ deviceId: entry.deviceId, profileId: entry.profileId, fault: task.fault }, 'a monitoring read faulted: it is tried again after a back-off');
      await deps.entries.update(key, entry.revision, { set: { faults, dueAt: deps.now() + faultBackOffMs(interval, faults) }, unset: ['readTaskId'] });
      return;
    }
    // Expired (no periodic Inform within readExpiryMs) or cancelled by an operator: armed again by the next round.
    await deps.entries.update(key, entry.revision, { set: { dueAt: deps.now() }, unset: ['readTaskId'] });
  }

  private async onBulkDataSetup(entry: CollectionEntry, task: AcsTaskEventData): Promise<void> {
    const { deps } = this.context;
    const key = entryKey(entry.profileId, entry.deviceId);
    const setup = entry.bulkData!;
    if (task.status === 'done' && setup.phase === 'adding') {
      const instance = (task.result as { instance?: unknown } | undefined)?.instance;
      const profile = (await this.context.enabledProfiles()).get(entry.profileId);
      if (typeof instance !== 'string' || !profile) {
        await deps.entries.update(key, entry.revision, { unset: ['bulkData'] });
        return;
      }
      const catalog = await deps.catalog.current();
      const instances = (await deps.deviceStates.getMany([entry.deviceId])).get(entry.deviceId)?.instances ?? {};
      const plan = this.context.bulkDataPlan(profile, catalog, entry.deviceId, instances);
      if (!plan || plan.signature !== setup.signature) {
        // The profile changed while the instance was added: the walk sets it up again; this instance goes.
        await this.context.release({ ...entry, bulkData: { ...setup, taskId: undefined, instance } });
        await deps.entries.update(key, entry.revision, { unset: ['bulkData'] });
        return;
      }
      const { taskId: _added, ...added } = setup;
      void _added;
      // The phase first: a Parameter's task may end before anything written after its creation.
      if (!(await deps.entries.update(key, entry.revision, { set: { bulkData: { ...added, phase: 'parameters', instance, parametersLeft: plan.paths.length, at: deps.now() } } }))) {
        await this.again(entry, task);
        return;
      }
      await this.context.addBulkDataParameters(entry, profile, instance, plan.paths);
      return;
    }
    if (task.status === 'done') {
      const { taskId: _done, ...rest } = setup;
      void _done;
      if (!(await deps.entries.update(key, entry.revision, { set: { bulkData: { ...rest, phase: 'configured', at: deps.now() } } }))) await this.again(entry, task);
      return;
    }
    if (task.status === 'faulted') {
      // No BulkData HTTP on this device (or it refused these settings): it is read instead, until the profile changes.
      deps.logger.info({ deviceId: entry.deviceId, profileId: entry.profileId, fault: task.fault }, 'the device refused a BulkData profile: it is read at its periodic Informs instead');
      if (setup.instance) await this.context.release({ ...entry, readTaskId: undefined, bulkData: { ...setup, taskId: undefined } });
      await deps.entries.update(key, entry.revision, { set: { mode: 'reads', dueAt: deps.now(), bulkData: { phase: 'refused', signature: setup.signature, at: deps.now() } } });
      return;
    }
    // Expired or cancelled: the walk's next visit sets it up again; a half-made instance goes.
    if (setup.instance) await this.context.release({ ...entry, readTaskId: undefined, bulkData: { ...setup, taskId: undefined } });
    await deps.entries.update(key, entry.revision, { unset: ['bulkData'] });
  }

  /**
   * The entry moved on while a set-up step was applied (a round's walk stamps it each visit): the step is applied
   * again to the entry as it is now, if it still waits for that task — else it was another writer's to apply.
   */
  private async again(entry: CollectionEntry, task: AcsTaskEventData): Promise<void> {
    if ((this.retries.get(task.taskId) ?? 0) >= MAX_STEP_RETRIES) {
      this.context.deps.logger.warn({ deviceId: entry.deviceId, profileId: entry.profileId, taskId: task.taskId }, 'a BulkData set-up step kept meeting a changed entry: the walk sets the profile up again');
      this.retries.delete(task.taskId);
      return;
    }
    this.retries.set(task.taskId, (this.retries.get(task.taskId) ?? 0) + 1);
    try {
      const key = entryKey(entry.profileId, entry.deviceId);
      const current = (await this.context.deps.entries.getMany([key])).get(key);
      if (current?.bulkData?.taskId === task.taskId && current.bulkData.phase === entry.bulkData?.phase) await this.onBulkDataSetup(current, task);
    } finally {
      this.retries.delete(task.taskId);
    }
  }

  /**
   * A Parameter of the BulkData profile done: once none is left the settings follow, Enable last, so the profile
   * reports with every Reference set. Faulted: the device refused the profile (read instead); expired or cancelled:
   * set up again at the walk's next visit — as for the profile's own tasks.
   */
  private async onBulkDataParameter(entry: CollectionEntry, task: AcsTaskEventData): Promise<void> {
    const { deps } = this.context;
    const key = entryKey(entry.profileId, entry.deviceId);
    const setup = entry.bulkData!;
    if (task.status !== 'done') {
      // The others are withdrawn with the instance (release deletes it) or left to fail on it.
      await this.onBulkDataSetup(entry, { ...task, taskId: setup.taskId ?? task.taskId });
      return;
    }
    const left = Math.max(0, (setup.parametersLeft ?? 1) - 1);
    if (left > 0) {
      // Another Parameter's event may have moved the entry on meanwhile: read it again rather than lose this one.
      if (!(await deps.entries.update(key, entry.revision, { set: { bulkData: { ...setup, parametersLeft: left } } }))) {
        const current = (await deps.entries.getMany([key])).get(key);
        if (current?.bulkData?.phase === 'parameters') await this.onBulkDataParameter(current, task);
      }
      return;
    }
    const profile = (await this.context.enabledProfiles()).get(entry.profileId);
    const url = profile ? this.context.bulkDataPlan(profile, await deps.catalog.current(), entry.deviceId, (await deps.deviceStates.getMany([entry.deviceId])).get(entry.deviceId)?.instances ?? {})?.url : undefined;
    // The profile went meanwhile: the round releases the entry (and the instance with it).
    if (!profile || !url || !setup.instance) return;
    const taskId = await this.context.configureBulkData(entry, profile, setup.instance, url);
    const { parametersLeft: _done, ...rest } = setup;
    void _done;
    if (!(await deps.entries.update(key, entry.revision, { set: { bulkData: { ...rest, phase: 'configuring', taskId, at: deps.now() } } }))) {
      await this.context.cancelQuietly(taskId);
    }
  }

}

/** The values of a read's inline result (`{ values: [{ path, value }] }`), or undefined when it was too large to travel. */
function inlineValuesOf(task: AcsTaskEventData): Record<string, string | number> | undefined {
  if (task.resultSummary && !task.resultSummary.inline) return undefined;
  const values = (task.result as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values)) return undefined;
  const read: Record<string, string | number> = {};
  for (const entry of values as Array<{ path?: unknown; value?: unknown }>) {
    if (typeof entry.path !== 'string') continue;
    if (typeof entry.value === 'string' || typeof entry.value === 'number') read[entry.path] = entry.value;
    else if (typeof entry.value === 'boolean') read[entry.path] = entry.value ? 1 : 0;
  }
  return read;
}
