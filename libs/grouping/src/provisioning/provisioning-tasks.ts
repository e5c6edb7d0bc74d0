import { acsV1 } from '@acs/contracts';
import { createAttemptTask, findNewestTask, type ProvisioningClient } from '@acs/clients';

import type { JobTaskStatus } from '../domain/job-outcome';
import type { JobTaskRequest, JobTasks } from '../usecases/job-ports';

/** The jobs' tasks through provisioning's CreateTask and ListTasks, filed under the job's source. */
export class ProvisioningJobTasks implements JobTasks {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  create(request: JobTaskRequest): Promise<{ taskId: string }> {
    return createAttemptTask(this.provisioning.tasks, { ...request, spec: acsV1.TaskSpec.fromJSON(request.spec) });
  }

  async find(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<{ taskId: string; status: JobTaskStatus } | null> {
    return findNewestTask(this.provisioning.tasks, query);
  }
}
