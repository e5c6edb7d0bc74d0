import { acsV1 } from '@acs/contracts';
import { findNewestTask, taskSourceMetadata, type ProvisioningClient } from '@acs/clients';

import type { JobTaskStatus } from '../domain/job-outcome';
import type { JobTaskRequest, JobTasks } from '../usecases/job-ports';

/** The jobs' tasks through provisioning's CreateTask and ListTasks, filed under the job's source. */
export class ProvisioningJobTasks implements JobTasks {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  async create(request: JobTaskRequest): Promise<{ taskId: string }> {
    const metadata = taskSourceMetadata(request.source);
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
    return findNewestTask(this.provisioning.tasks, query);
  }
}
