import { Metadata } from '@grpc/grpc-js';
import { acsV1, TASK_SOURCE_METADATA_KEY } from '@acs/contracts';
import type { ProvisioningClient } from '@acs/clients';

import type { JobTaskStatus } from '../domain/job-outcome';
import type { JobTaskRequest, JobTasks } from '../usecases/job-ports';

const TASK_STATUS_NAMES: Partial<Record<acsV1.TaskStatus, JobTaskStatus>> = {
  [acsV1.TaskStatus.TASK_STATUS_PENDING]: 'pending',
  [acsV1.TaskStatus.TASK_STATUS_DISPATCHED]: 'dispatched',
  [acsV1.TaskStatus.TASK_STATUS_DONE]: 'done',
  [acsV1.TaskStatus.TASK_STATUS_FAULTED]: 'faulted',
  [acsV1.TaskStatus.TASK_STATUS_EXPIRED]: 'expired',
  [acsV1.TaskStatus.TASK_STATUS_CANCELLED]: 'cancelled',
};

/** The jobs' tasks through provisioning's CreateTask and ListTasks, filed under the job's source. */
export class ProvisioningJobTasks implements JobTasks {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  async create(request: JobTaskRequest): Promise<{ taskId: string }> {
    const metadata = new Metadata();
    metadata.set(TASK_SOURCE_METADATA_KEY, request.source);
    const response = await this.provisioning.tasks.createTask(
      {
        deviceId: request.deviceId,
        spec: acsV1.TaskSpec.fromJSON(request.spec),
        connectionRequest: request.connectionRequest,
        waitTimeoutMs: 0,
        // The job's rollout policy retries (with its back-off, counted against its threshold); a task retried by
        // provisioning as well would hide a failing device from both.
        maxAttempts: 1,
        expireTime: new Date(request.expiresAt),
      },
      { metadata },
    );
    if (!response.task) throw new Error(`provisioning created no task for ${request.deviceId}`);
    return { taskId: response.task.id };
  }

  async find(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<{ taskId: string; status: JobTaskStatus } | null> {
    // A job gives a device a task per attempt and run: a handful, one page.
    const { tasks } = await this.provisioning.tasks.listTasks({ deviceId: query.deviceId, statuses: [], source: query.source, pageSize: 100, pageToken: '' });
    const found = tasks
      .filter((task) => task.id !== query.except && task.createTime !== undefined && task.createTime.getTime() >= query.createdSince)
      .sort((a, b) => b.createTime!.getTime() - a.createTime!.getTime())[0];
    return found ? { taskId: found.id, status: TASK_STATUS_NAMES[found.status] ?? 'pending' } : null;
  }
}
