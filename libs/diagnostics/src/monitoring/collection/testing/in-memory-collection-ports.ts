import type { AcsTaskEventData, AcsTaskStatus } from '@acs/contracts';

import type { DataModelRoot } from '../../../domain/diagnostics-catalog';
import type { CollectionTaskKind, CollectionTasks, TargetMembers, TargetPage, TaskValue } from '../collection-ports';
import { monitoringTaskSource } from '../collection-entry';
import type { MonitoringTarget } from '../../domain/monitoring-profile';

/** A task as the in-memory provisioning keeps it. */
export interface RecordedTask {
  taskId: string;
  profileId: string;
  deviceId: string;
  kind: CollectionTaskKind;
  status: 'pending' | AcsTaskStatus;
  paths?: readonly string[];
  object?: string;
  values?: ReadonlyArray<TaskValue | { path: string; value: string; type: string }>;
  instance?: string;
  expiresAt: number;
}

/**
 * Provisioning's tasks for the collection's specs: tasks are recorded pending; the spec ends them (`done`, `faulted`…)
 * and gets the `acs.task` event data provisioning would publish.
 */
export class InMemoryCollectionTasks implements CollectionTasks {
  readonly tasks: RecordedTask[] = [];
  /** Values a read's result holds beyond its inline event (GetTaskResult). */
  readonly results = new Map<string, Record<string, string>>();

  createRead(request: { profileId: string; deviceId: string; paths: readonly string[]; expiresAt: number }) {
    return this.record({ profileId: request.profileId, deviceId: request.deviceId, kind: 'getParameterValues', paths: request.paths, expiresAt: request.expiresAt });
  }

  createAddObject(request: { profileId: string; deviceId: string; object: string; values: readonly TaskValue[]; expiresAt: number }) {
    return this.record({ profileId: request.profileId, deviceId: request.deviceId, kind: 'addObject', object: request.object, values: request.values, expiresAt: request.expiresAt });
  }

  createSet(request: { profileId: string; deviceId: string; values: ReadonlyArray<{ path: string; value: string; type: TaskValue['type'] }>; expiresAt: number }) {
    return this.record({ profileId: request.profileId, deviceId: request.deviceId, kind: 'setParameterValues', values: request.values, expiresAt: request.expiresAt });
  }

  createDeleteObject(request: { profileId: string; deviceId: string; instance: string; expiresAt: number }) {
    return this.record({ profileId: request.profileId, deviceId: request.deviceId, kind: 'deleteObject', instance: request.instance, expiresAt: request.expiresAt });
  }

  async cancel(taskId: string): Promise<void> {
    const task = this.tasks.find((t) => t.taskId === taskId);
    if (task?.status === 'pending') task.status = 'cancelled';
  }

  async readValues(taskId: string): Promise<Record<string, string>> {
    return this.results.get(taskId) ?? {};
  }

  pending(filter: Partial<Pick<RecordedTask, 'deviceId' | 'kind' | 'profileId'>> = {}): RecordedTask[] {
    return this.tasks.filter((t) => t.status === 'pending' && Object.entries(filter).every(([k, v]) => t[k as keyof RecordedTask] === v));
  }

  /** Ends a pending task and returns its event's data. */
  end(taskId: string, status: AcsTaskStatus, result?: unknown, fault?: AcsTaskEventData['fault']): AcsTaskEventData {
    const task = this.tasks.find((t) => t.taskId === taskId);
    if (!task) throw new Error(`no task ${taskId}`);
    task.status = status;
    return {
      taskId,
      deviceId: task.deviceId,
      kind: task.kind,
      status,
      source: monitoringTaskSource(task.profileId),
      attempts: 1,
      ...(result !== undefined ? { result } : {}),
      ...(fault ? { fault } : {}),
    };
  }

  private async record(task: Omit<RecordedTask, 'taskId' | 'status'>): Promise<{ taskId: string }> {
    const taskId = `task-${this.tasks.length + 1}`;
    this.tasks.push({ ...task, taskId, status: 'pending' });
    return { taskId };
  }
}

/** Targets over a device list the spec edits: a filter is `productClass = "<class>"`, a group a set of ids. */
export class InMemoryTargetMembers implements TargetMembers {
  readonly devices: Array<{ deviceId: string; root?: DataModelRoot; productClass: string }> = [];
  readonly groups = new Map<string, Set<string>>();
  pages = 0;

  async page(target: MonitoringTarget, after: string, limit: number): Promise<TargetPage> {
    this.pages++;
    const matches = (device: { deviceId: string; productClass: string }) => {
      if ('groupId' in target) return this.groups.get(target.groupId)?.has(device.deviceId) ?? false;
      const wanted = /productClass = "([^"]*)"/.exec(target.filter)?.[1];
      return device.productClass === wanted;
    };
    const sorted = this.devices.filter(matches).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    const start = after === '' ? 0 : sorted.findIndex((device) => device.deviceId > after);
    const page = start < 0 ? [] : sorted.slice(start, start + limit);
    return {
      devices: page.map((device) => ({ deviceId: device.deviceId, ...(device.root ? { root: device.root } : {}) })),
      next: page.length === limit ? page[page.length - 1].deviceId : '',
    };
  }
}
