import type { RolloutNotification } from '@acs/rollout';

import type { Job } from '../domain/job';
import type { JobTaskStatus } from '../domain/job-outcome';

/** A provisioning task for one device of a job's run. */
export interface JobTaskRequest {
  deviceId: string;
  /** `job:<jobId>` (jobTaskSource): its acs.task events come back to the job. */
  source: string;
  /** The acs.v1 TaskSpec as proto JSON (the job's action). */
  spec: Record<string, unknown>;
  /** The policy's mode is active: a connection request now, rather than waiting for the device's next inform. */
  connectionRequest: boolean;
  /** The task expires with the attempt: a device that never comes for it is not reached by it later. */
  expiresAt: number;
}

/** Provisioning's tasks as the jobs use them (provisioning/provisioning-tasks.ts over @acs/clients). */
export interface JobTasks {
  create(request: JobTaskRequest): Promise<{ taskId: string }>;
  /** The newest task of `source` for the device created since `createdSince` (other than `except`), or null. */
  find(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<{ taskId: string; status: JobTaskStatus } | null>;
}

/** Where the jobs' facts go: acs.group job events (service/job-event.publisher.ts). */
export interface JobEvents {
  jobCreated(job: Job): Promise<void>;
  /** `runId`: the run that was going (and is cancelled with the job), or null. */
  jobCancelled(job: Job, runId: string | null): Promise<void>;
  /** A change of a run (its rollout), after it is stored. */
  runChanged(notification: RolloutNotification): Promise<void>;
}
