import type { AcsTaskEventData, AcsTaskFault } from '@acs/contracts';

import type { JobTaskStatus } from '../domain/job-outcome';
import type { JobTaskRequest, JobTasks } from '../usecases/job-ports';

export interface RecordedJobTask extends JobTaskRequest {
  id: string;
  createdAt: number;
  status: JobTaskStatus;
}

/**
 * Provisioning's tasks in memory for the job specs: each created task is kept as asked for (what CreateTask would
 * store), and its news is written as the acs.task event provisioning would publish. The standalone and the pods use
 * ProvisioningJobTasks.
 */
export class InMemoryJobTasks implements JobTasks {
  readonly created: RecordedJobTask[] = [];
  /** Devices whose CreateTask fails (provisioning down for them, a device it does not know). */
  readonly refusing = new Set<string>();
  private ids = 0;

  constructor(private readonly now: () => number) {}

  async create(request: JobTaskRequest): Promise<{ taskId: string }> {
    if (this.refusing.has(request.deviceId)) throw new Error(`device ${request.deviceId} not found`);
    const task = { ...request, id: `task-${++this.ids}`, createdAt: this.now(), status: 'pending' as const };
    this.created.push(task);
    return { taskId: task.id };
  }

  async find(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<{ taskId: string; status: JobTaskStatus } | null> {
    const found = this.created.filter((task) => task.deviceId === query.deviceId && task.source === query.source && task.id !== query.except && task.createdAt >= query.createdSince).at(-1);
    return found ? { taskId: found.id, status: found.status } : null;
  }

  /** The device's newest task. */
  latestOf(deviceId: string): RecordedJobTask | undefined {
    return this.created.filter((task) => task.deviceId === deviceId).at(-1);
  }

  /** The acs.task event of the device's newest task reaching `status` (provisioning's fault for a faulted one). */
  eventOf(deviceId: string, status: JobTaskStatus, fault?: AcsTaskFault): AcsTaskEventData {
    const task = this.latestOf(deviceId);
    if (!task) throw new Error(`no task for ${deviceId}`);
    task.status = status;
    const kind = Object.keys(task.spec)[0] as AcsTaskEventData['kind'];
    return { taskId: task.id, deviceId, kind, status, source: task.source, attempts: 1, ...(fault ? { fault } : {}) };
  }
}
