import type { RolloutPolicy, RolloutState } from '@acs/rollout';

/** Which devices a run covers, read when the run starts: a group's members then, or the devices a filter matches then. */
export type JobTarget = { kind: 'group'; groupId: string } | { kind: 'filter'; filter: string };

/**
 * What a run does: to each device a provisioning task (any kind of the acs.v1 TaskSpec — set or get values, refresh,
 * reboot, factory reset, add or delete an object, download, apply a preset…), kept as the TaskSpec's proto JSON so a
 * task kind provisioning adds needs nothing here; or, for the whole run, one firmware campaign (the firmware service
 * upgrades the run's devices, each with the image of the first rule matching it).
 */
export type JobAction = { kind: 'task'; task: Record<string, unknown> } | { kind: 'campaign'; imageRules: JobImageRule[] };

/** A campaign's image rule as CreateCampaign takes it: which image a device gets (the first rule whose set fields match). */
export interface JobImageRule {
  oui: string;
  productClass: string;
  hardwareVersion: string;
  fromVersions: string[];
  fileId: string;
}

/**
 * A campaign job's current run as this job last saw it: `starting` from the run's claim until its campaign exists
 * (a pod that dies in between leaves it for another, which creates the campaign under the same id: once), then the
 * campaign's status as the scheduler's rounds poll it, or `failed` when the firmware service refused the campaign.
 */
export interface JobCampaignRun {
  run: number;
  status: 'starting' | RolloutState | 'failed';
  /** When the status last changed. */
  since: number;
  /** Why the campaign could not be created (status `failed`). */
  error?: string;
}

/** Campaign run statuses of a run still going: the next occurrence of a cron job is skipped meanwhile. */
export const CAMPAIGN_RUN_GOING: readonly JobCampaignRun['status'][] = ['starting', 'created', 'running', 'paused'];

/** The name of a campaign job's run's campaign, as people read it in the campaigns' list. */
export function campaignNameOf(job: Pick<Job, 'name'>, run: number): string {
  return `${job.name} · run ${run}`;
}

/** When runs start: once now, once at a time, or at each occurrence of a 5-field cron expression in an IANA zone. */
export type JobSchedule = { kind: 'now' } | { kind: 'at'; at: number } | { kind: 'cron'; expression: string; timeZone: string };

/**
 * A bulk job (`grouping.jobs`). Each time its schedule fires, a run starts: a rollout (@acs/rollout) with id
 * `<jobId>.<n>` over the devices selected then, driven by the job's policy. The runs' state is the rollouts'; the job
 * keeps which run is the current one and when the next is due.
 */
export interface Job {
  id: string;
  name: string;
  target: JobTarget;
  action: JobAction;
  schedule: JobSchedule;
  policy: RolloutPolicy;
  /** Runs started so far: the current (or last) run is `<id>.<runCount>`. */
  runCount: number;
  /** When the next run is due; absent when no run will start any more (a once-job that started, a cancelled job). */
  nextRunAt?: number;
  /** Cron occurrences skipped because the run before was still going. */
  skippedRuns: number;
  /** A campaign job's current run (its campaign's id is the run's id, runIdOf); absent before its first run and for task jobs. */
  campaignRun?: JobCampaignRun;
  cancelledAt?: number;
  cancelledBy?: string;
  createdAt: number;
  createdBy: string;
  revision: number;
}

/**
 * A job as people see it: `scheduled` (waiting for its next run), `running` or `paused` (its current run),
 * `completed` (its last run ended and no other will start), `cancelled`.
 */
export type JobStatus = 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

/** The id of a job's n-th run (from 1): also its rollout's id, or (a campaign job's) its campaign's id. */
export function runIdOf(jobId: string, run: number): string {
  return `${jobId}.${run}`;
}

/** The job a run belongs to (job ids hold no dot), or null for an id that is not a run's. */
export function jobIdOfRun(runId: string): string | null {
  const dot = runId.lastIndexOf('.');
  return dot > 0 && /^\d+$/.test(runId.slice(dot + 1)) ? runId.slice(0, dot) : null;
}

/** The current (or last) run's id; null before the first run. */
export function currentRunIdOf(job: Job): string | null {
  return job.runCount > 0 ? runIdOf(job.id, job.runCount) : null;
}

/** The job's status from its own record and its current run's state (null: no run yet). */
export function jobStatusOf(job: Job, runState: JobCampaignRun['status'] | null): JobStatus {
  if (job.cancelledAt !== undefined) return 'cancelled';
  if (runState === 'created' || runState === 'running' || runState === 'starting') return 'running';
  if (runState === 'paused') return 'paused';
  return job.nextRunAt !== undefined ? 'scheduled' : 'completed';
}

const SOURCE_PREFIX = 'job:';

/** The source provisioning files a job's tasks under, so their acs.task events come back to the job. */
export function jobTaskSource(jobId: string): string {
  return `${SOURCE_PREFIX}${jobId}`;
}

/** The job of a task's source, or null for a task that is not a job's. */
export function jobIdOfTaskSource(source: string): string | null {
  return source.startsWith(SOURCE_PREFIX) && source.length > SOURCE_PREFIX.length ? source.slice(SOURCE_PREFIX.length) : null;
}

/** A run's device: its target as the rollout keeps it, with the task of its last attempt. */
export interface JobDevice {
  deviceId: string;
  seq: number;
  state: string;
  stage?: string;
  wave?: number;
  attempts: number;
  error?: { code: string; message: string };
  skipReason?: string;
  taskId?: string;
  startedAt?: number;
  finishedAt?: number;
}
