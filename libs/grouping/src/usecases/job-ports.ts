import type { RolloutNotification, RolloutPolicy, RolloutProgress, RolloutState } from '@acs/rollout';

import type { Job, JobCampaignRun, JobImageRule, JobTarget } from '../domain/job';
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
  /**
   * A change of a campaign job's run, after it is stored: `previous` its status before, the job's `campaignRun` the
   * new one, `state` the campaign as read then (null when there is none: the run failed to start, or was cancelled
   * before its campaign existed).
   */
  campaignRunChanged(job: Job, previous: JobCampaignRun['status'], state: JobCampaignState | null): Promise<void>;
}

/** A campaign job's run's campaign, as the job asks the firmware service for it. */
export interface JobCampaignRequest {
  /** The run's id: the campaign's id, so a second create of the same run creates nothing. */
  campaignId: string;
  name: string;
  target: JobTarget;
  imageRules: JobImageRule[];
  policy: RolloutPolicy;
  /** `job:<jobId>`: who the campaigns' list says created it. */
  createdBy: string;
}

/** A campaign as a job reads it: its status and progress (the run's). */
export interface JobCampaignState {
  status: RolloutState;
  progress: RolloutProgress;
}

/**
 * The firmware service's campaigns as the campaign jobs use them (firmware/firmware-campaigns.ts over @acs/clients).
 * Refusals come back as the platform's errors: ValidationError (a wrong image rule, a group gone), NotFoundError,
 * ConflictError (a state a change does not apply to).
 */
export interface JobCampaigns {
  /** Creates and starts the campaign; `exists` when one with that id was created already (by this run's earlier try). */
  create(request: JobCampaignRequest): Promise<'created' | 'exists'>;
  /** The campaign, or null when there is none with that id. */
  get(campaignId: string): Promise<JobCampaignState | null>;
  pause(campaignId: string, reason: string, requestedBy: string): Promise<void>;
  resume(campaignId: string, requestedBy: string): Promise<void>;
  cancel(campaignId: string, requestedBy: string): Promise<void>;
}
