import { ConflictError, type Logger } from '@acs/platform';
import type { RolloutEngine } from '@acs/rollout';

import { CAMPAIGN_RUN_GOING, currentRunIdOf, type Job } from '../domain/job';
import type { JobRepository } from '../repositories/ports';
import { jobOrNotFound } from './get-job.usecase';
import type { CampaignJobRuns } from './campaign-job-runs.usecase';
import type { JobCampaigns, JobEvents } from './job-ports';

export type JobChange = { action: 'pause'; reason: string } | { action: 'resume' } | { action: 'cancel' };

/**
 * Pauses or resumes a job's current run (nothing new starts while paused; devices in progress go on to their
 * outcomes), or cancels the job: its run going on stops starting devices, and no run starts any more (a cron job's
 * future occurrences included). FAILED_PRECONDITION (ConflictError) when the job is not in a state for it.
 */
export class ChangeJobState {
  constructor(
    private readonly deps: {
      jobs: Pick<JobRepository, 'get' | 'update'>;
      engine: Pick<RolloutEngine, 'get' | 'pause' | 'resume' | 'cancel'>;
      /** A campaign job's runs: its changes go to its run's campaign. */
      campaigns: Pick<JobCampaigns, 'get' | 'pause' | 'resume'>;
      campaignRuns: Pick<CampaignJobRuns, 'cancelQuietly' | 'follow'>;
      events: Pick<JobEvents, 'jobCancelled'>;
      logger: Pick<Logger, 'info'>;
      now: () => number;
    },
  ) {}

  async execute(command: { jobId: string; change: JobChange; requestedBy: string }): Promise<Job> {
    const { engine, logger } = this.deps;
    const job = await jobOrNotFound(this.deps.jobs, command.jobId);
    if (command.change.action === 'cancel') return this.cancel(job, command.requestedBy);
    if (job.cancelledAt !== undefined) throw stateError(job, 'it is cancelled');
    if (job.action.kind === 'campaign') return this.changeCampaign(job, command.change, command.requestedBy);
    const runId = currentRunIdOf(job);
    const run = runId ? await engine.get(runId) : null;
    if (!runId || !run) throw stateError(job, 'it has no run yet');
    if (command.change.action === 'pause') {
      if (run.state !== 'running') throw stateError(job, `its run ${runId} is ${run.state}; only a running run pauses`);
      const text = command.change.reason.trim() || 'paused by an operator';
      await engine.pause(runId, command.requestedBy ? `${text} (${command.requestedBy})` : text);
    } else {
      if (run.state !== 'paused') throw stateError(job, `its run ${runId} is ${run.state}; only a paused run resumes`);
      await engine.resume(runId);
    }
    logger.info({ jobId: job.id, runId, action: command.change.action, requestedBy: command.requestedBy }, `job ${job.id}: run ${command.change.action}d`);
    return job;
  }

  /** Pauses or resumes the campaign of a campaign job's current run (the firmware service checks its state again). */
  private async changeCampaign(job: Job, change: Exclude<JobChange, { action: 'cancel' }>, requestedBy: string): Promise<Job> {
    const runId = currentRunIdOf(job);
    const state = runId && job.campaignRun?.status !== 'starting' && job.campaignRun?.status !== 'failed' ? await this.deps.campaigns.get(runId) : null;
    if (!runId || !state) throw stateError(job, runId ? `its run ${runId} has no campaign (${job.campaignRun?.status ?? 'none'})` : 'it has no run yet');
    if (change.action === 'pause') {
      if (state.status !== 'running') throw stateError(job, `its run's campaign ${runId} is ${state.status}; only a running run pauses`);
      await this.deps.campaigns.pause(runId, change.reason.trim() || 'paused by an operator', requestedBy);
    } else {
      if (state.status !== 'paused') throw stateError(job, `its run's campaign ${runId} is ${state.status}; only a paused run resumes`);
      await this.deps.campaigns.resume(runId, requestedBy);
    }
    this.deps.logger.info({ jobId: job.id, runId, campaignId: runId, action: change.action, requestedBy }, `job ${job.id}: run's campaign ${change.action}d`);
    return this.deps.campaignRuns.follow(job);
  }

  private async cancel(job: Job, requestedBy: string): Promise<Job> {
    const { engine } = this.deps;
    let current = job;
    for (;;) {
      if (current.cancelledAt !== undefined) throw stateError(current, 'it is cancelled already');
      const { nextRunAt: _next, ...rest } = current;
      const cancelled = await this.deps.jobs.update({ ...rest, cancelledAt: this.deps.now(), cancelledBy: requestedBy }, current.revision);
      if (cancelled) {
        current = cancelled;
        break;
      }
      current = await jobOrNotFound(this.deps.jobs, job.id);
    }
    // The job is cancelled first: a run a scheduler is starting meanwhile sees it and does not start (StartJobRuns.recordRun),
    // or (a campaign run) cancels the campaign it has just created (CampaignJobRuns.start).
    if (current.action.kind === 'campaign') return this.cancelCampaignRun(current, requestedBy);
    const runId = currentRunIdOf(current);
    const run = runId ? await engine.get(runId) : null;
    const going = run && (run.state === 'created' || run.state === 'running' || run.state === 'paused');
    if (going) await engine.cancel(run.id);
    await this.deps.events.jobCancelled(current, going ? run.id : null);
    this.deps.logger.info({ jobId: current.id, runId: going ? run.id : undefined, requestedBy }, `job ${current.id} cancelled`);
    return current;
  }

  /** A cancelled campaign job's run: its campaign cancelled when it has one going, its status recorded. */
  private async cancelCampaignRun(job: Job, requestedBy: string): Promise<Job> {
    const runId = currentRunIdOf(job);
    const going = runId !== null && isGoing(job);
    if (going) await this.deps.campaignRuns.cancelQuietly(runId, requestedBy);
    const followed = going ? await this.deps.campaignRuns.follow(job) : job;
    await this.deps.events.jobCancelled(followed, going ? runId : null);
    this.deps.logger.info({ jobId: job.id, runId: going ? runId : undefined, campaignId: going ? runId : undefined, requestedBy }, `job ${job.id} cancelled`);
    return followed;
  }
}

function isGoing(job: Job): boolean {
  return job.campaignRun !== undefined && CAMPAIGN_RUN_GOING.includes(job.campaignRun.status);
}

function stateError(job: Job, why: string): ConflictError {
  return new ConflictError(`job ${job.id}: ${why}`, { reason: 'JOB_STATE', subject: `job ${job.id}` });
}
