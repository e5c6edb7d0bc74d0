import { ConflictError, NotFoundError, ValidationError, type Logger } from '@acs/platform';

import { CAMPAIGN_RUN_GOING, campaignNameOf, runIdOf, type Job, type JobCampaignRun } from '../domain/job';
import { nextRunAfter } from '../domain/job-schedule';
import type { JobRepository } from '../repositories/ports';
import type { JobCampaigns, JobCampaignState, JobEvents } from './job-ports';
import { withNextRun, type FireResult } from './start-job-runs.usecase';

/** Campaign runs one round follows. */
const PER_ROUND = 100;

export interface CampaignJobRunDeps {
  jobs: Pick<JobRepository, 'get' | 'update' | 'campaignRunsGoing'>;
  campaigns: JobCampaigns;
  events: Pick<JobEvents, 'campaignRunChanged'>;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  /** How long a run stays `starting` before another pod creates its campaign in place of the one that claimed it. */
  takeOverAfterMs: number;
}

/**
 * The runs of campaign jobs: each run is ONE firmware campaign whose id is the run's id (`<jobId>.<n>`).
 *
 * One pod claims a run by moving the job's runCount on (a write conditional on the job's revision, so one pod per
 * occurrence), with the run `starting`; it then creates the campaign. The campaign's id is the idempotency key: a pod
 * that finds a run still `starting` after takeOverAfterMs (its claimer died, or is slow) creates it again under the
 * same id, and the firmware service answers ALREADY_EXISTS for the one that was made — one campaign per run, however
 * many pods try. How the run goes is then the campaign's: every round polls the campaign of each run still going and
 * records its status on the job (the job's status, ListJobs, the skip of a cron occurrence, the job's run events).
 */
export class CampaignJobRuns {
  constructor(private readonly deps: CampaignJobRunDeps) {}

  /** Fires one due campaign job: claims and starts its next run, or skips the occurrence while its run is going. */
  async fire(job: Job): Promise<FireResult> {
    let current = job;
    for (;;) {
      if (current.cancelledAt !== undefined) return 'cancelled';
      if (current.runCount > job.runCount) return 'taken';
      const now = this.deps.now();
      if (current.campaignRun && CAMPAIGN_RUN_GOING.includes(current.campaignRun.status)) {
        const followed = await this.follow(current);
        if (followed.campaignRun && CAMPAIGN_RUN_GOING.includes(followed.campaignRun.status)) {
          const skipped = await this.deps.jobs.update(withNextRun(followed, nextRunAfter(followed.schedule, now), followed.skippedRuns + 1), followed.revision);
          if (skipped) {
            this.deps.logger.info({ jobId: job.id, runId: runIdOf(job.id, followed.runCount), nextRunAt: skipped.nextRunAt }, `job ${job.id}: occurrence skipped, its campaign run is still ${followed.campaignRun.status}`);
            return 'skipped';
          }
          current = await this.reread(job.id);
          continue;
        }
        current = followed;
      }
      const run = current.runCount + 1;
      const claimed = await this.deps.jobs.update(
        { ...withNextRun(current, nextRunAfter(current.schedule, now), current.skippedRuns), runCount: run, campaignRun: { run, status: 'starting', since: now } },
        current.revision,
      );
      if (claimed) {
        await this.start(claimed);
        return 'started';
      }
      current = await this.reread(job.id);
    }
  }

  /**
   * One round's following: each run still going has its campaign's status recorded (and its job's run events
   * published); a run left `starting` by a pod that stopped has its campaign created under its id. How many runs
   * changed.
   */
  async followAll(): Promise<number> {
    let changed = 0;
    for (const job of await this.deps.jobs.campaignRunsGoing(PER_ROUND)) {
      try {
        const followed = await this.follow(job);
        if (followed.campaignRun?.status !== job.campaignRun?.status) changed += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, jobId: job.id }, 'following a campaign run failed; the next round tries again');
      }
    }
    return changed;
  }

  /** The job with its current run's campaign status as the firmware service has it now (recorded when it changed). */
  async follow(job: Job): Promise<Job> {
    const campaignRun = job.campaignRun;
    if (!campaignRun || !CAMPAIGN_RUN_GOING.includes(campaignRun.status)) return job;
    const runId = runIdOf(job.id, campaignRun.run);
    if (campaignRun.status === 'starting') {
      if (this.deps.now() - campaignRun.since < this.deps.takeOverAfterMs) return job;
      this.deps.logger.info({ jobId: job.id, runId }, `run ${runId} is still starting: creating its campaign (once: its id is the run's)`);
      return this.start(job);
    }
    const state = await this.deps.campaigns.get(runId);
    if (!state) return this.record(job, campaignRun.run, { status: 'failed', error: `campaign ${runId} is gone from the firmware service` });
    return state.status === campaignRun.status ? job : this.record(job, campaignRun.run, { status: state.status }, state);
  }

  /**
   * Creates the run's campaign (or finds the one created already) and records its status; a refused campaign (a file
   * deleted, the group gone, a policy the firmware service does not take) ends the run as `failed` with why. A run of
   * a job cancelled before its campaign existed ends cancelled without one; a campaign created while its job was
   * being cancelled is cancelled here (the cancel, which stored the job's cancellation first, found no campaign yet).
   */
  private async start(job: Job): Promise<Job> {
    const run = job.campaignRun!.run;
    const runId = runIdOf(job.id, run);
    if (job.cancelledAt !== undefined) return this.record(job, run, { status: 'cancelled' });
    if (job.action.kind !== 'campaign') throw new Error(`job ${job.id} has no campaign action`);
    let made: 'created' | 'exists';
    try {
      made = await this.deps.campaigns.create({
        campaignId: runId,
        name: campaignNameOf(job, run),
        target: job.target,
        imageRules: job.action.imageRules,
        policy: job.policy,
        createdBy: `job:${job.id}`,
      });
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConflictError)) throw error;
      this.deps.logger.warn({ err: error, jobId: job.id, runId }, `job ${job.id}: the firmware service refused run ${runId}'s campaign`);
      return this.record(job, run, { status: 'failed', error: error.message });
    }
    const state = await this.deps.campaigns.get(runId);
    if (!state) throw new Error(`campaign ${runId} was ${made} but the firmware service does not find it`);
    this.deps.logger.info({ jobId: job.id, runId, campaignId: runId, made, devices: state.progress.total }, `job ${job.id}: run ${runId} is campaign ${runId}`);
    const recorded = await this.record(job, run, { status: state.status }, state);
    if (recorded.cancelledAt !== undefined && CAMPAIGN_RUN_GOING.includes(state.status)) {
      await this.cancelQuietly(runId, recorded.cancelledBy ?? '');
      return this.record(recorded, run, { status: 'cancelled' });
    }
    return recorded;
  }

  /** Cancels a run's campaign; one that has ended or was never created is left as it is. */
  async cancelQuietly(campaignId: string, requestedBy: string): Promise<void> {
    try {
      await this.deps.campaigns.cancel(campaignId, requestedBy);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof ConflictError)) throw error;
    }
  }

  /**
   * Stores the run's new status on the job (retrying over concurrent writes; nothing when the job moved to another
   * run), then tells the job's events. The job as stored.
   */
  private async record(job: Job, run: number, change: Pick<JobCampaignRun, 'status' | 'error'>, state?: JobCampaignState): Promise<Job> {
    let current: Job | null = job;
    for (;;) {
      const previous = current.campaignRun;
      if (!previous || previous.run !== run) return current;
      if (previous.status === change.status) return current;
      const campaignRun: JobCampaignRun = { run, status: change.status, since: this.deps.now(), ...(change.error !== undefined ? { error: change.error } : {}) };
      const stored = await this.deps.jobs.update({ ...current, campaignRun }, current.revision);
      if (stored) {
        await this.deps.events.campaignRunChanged(stored, previous.status, state ?? null);
        return stored;
      }
      current = await this.deps.jobs.get(job.id);
      if (!current) throw new NotFoundError('job', job.id);
    }
  }

  private async reread(jobId: string): Promise<Job> {
    const job = await this.deps.jobs.get(jobId);
    if (!job) throw new NotFoundError('job', jobId);
    return job;
  }
}
