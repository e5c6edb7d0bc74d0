import { AcsGroupEventType, newEvent, type AcsJobEventData, type AcsJobEventType } from '@acs/contracts';
import type { EventBus, Logger } from '@acs/platform';
import type { RolloutNotification, RolloutStore } from '@acs/rollout';

import { jobIdOfRun, runIdOf, type Job, type JobCampaignRun } from '../domain/job';
import type { JobRepository } from '../repositories/ports';
import type { JobCampaignState, JobEvents } from '../usecases/job-ports';

/**
 * Publishes the jobs' `acs.group` events (docs/events.md), keyed by job id, after each change is stored. A device's
 * outcome is not published here: its task's acs.task events (source `job:<jobId>`) already say it. A publish that
 * fails is logged and the change stands (GetJob stays the truth), as does one lost to a process dying in between.
 */
export class JobEventPublisher implements JobEvents {
  /** Jobs' names, read once each. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly deps: {
      bus: Pick<EventBus, 'publish'>;
      jobs: Pick<JobRepository, 'get'>;
      rollouts: Pick<RolloutStore, 'countTargets'>;
      logger: Pick<Logger, 'warn'>;
    },
  ) {}

  jobCreated(job: Job): Promise<void> {
    this.names.set(job.id, job.name);
    const spec = job.action.kind === 'campaign' ? 'campaign' : Object.keys(job.action.task)[0];
    return this.publish(
      AcsGroupEventType.jobCreated,
      {
        jobId: job.id,
        jobName: job.name,
        targetKind: job.target.kind,
        ...(job.target.kind === 'group' ? { groupId: job.target.groupId } : { filter: job.target.filter }),
        ...(spec !== undefined ? { action: spec } : {}),
      },
      job.createdAt,
    );
  }

  jobCancelled(job: Job, runId: string | null): Promise<void> {
    return this.publish(AcsGroupEventType.jobCancelled, { jobId: job.id, jobName: job.name, ...(runId ? { runId } : {}) }, job.cancelledAt ?? Date.now());
  }

  async runChanged(notification: RolloutNotification): Promise<void> {
    const jobId = jobIdOfRun(notification.rolloutId);
    const jobName = jobId ? await this.nameOf(jobId) : undefined;
    if (!jobId || jobName === undefined) return;
    const run = { jobId, jobName, runId: notification.rolloutId };
    switch (notification.type) {
      case 'started':
        return this.publish(AcsGroupEventType.jobRunStarted, { ...run, devices: await this.deps.rollouts.countTargets({ rolloutId: run.runId }) }, notification.at);
      case 'paused':
        return this.publish(AcsGroupEventType.jobRunPaused, { ...run, reason: { kind: notification.reason.kind, text: notification.reason.text } }, notification.at);
      case 'resumed':
        return this.publish(AcsGroupEventType.jobRunResumed, run, notification.at);
      case 'completed': {
        const count = (state: 'succeeded' | 'failed' | 'skipped') => this.deps.rollouts.countTargets({ rolloutId: run.runId, states: [state] });
        const [succeeded, failed, skipped] = await Promise.all([count('succeeded'), count('failed'), count('skipped')]);
        return this.publish(AcsGroupEventType.jobRunCompleted, { ...run, counts: { succeeded, failed, skipped } }, notification.at);
      }
      // A run is cancelled only with its job: job-cancelled says it once.
      case 'cancelled':
      case 'driving':
      case 'wave-advanced':
      case 'target-succeeded':
      case 'target-failed':
      case 'target-retrying':
      case 'target-skipped':
        return;
    }
  }

  /**
   * A campaign run's changes as the same run events as a task run's: started when its campaign exists (with the
   * campaign's device count), paused, resumed, completed (with the campaign's counts). A run that failed to start or
   * was cancelled with its job says nothing more here (job-cancelled says the latter; the job's run_error the former).
   */
  async campaignRunChanged(job: Job, previous: JobCampaignRun['status'], state: JobCampaignState | null): Promise<void> {
    const campaignRun = job.campaignRun;
    if (!campaignRun || !state) return;
    const run = { jobId: job.id, jobName: job.name, runId: runIdOf(job.id, campaignRun.run) };
    const at = campaignRun.since;
    if (previous === 'starting') await this.publish(AcsGroupEventType.jobRunStarted, { ...run, devices: state.progress.total }, at);
    switch (campaignRun.status) {
      case 'paused':
        return this.publish(AcsGroupEventType.jobRunPaused, { ...run, reason: { kind: state.progress.pause?.kind ?? 'manual', text: state.progress.pause?.text ?? '' } }, at);
      case 'running':
        return previous === 'paused' ? this.publish(AcsGroupEventType.jobRunResumed, run, at) : undefined;
      case 'completed': {
        const { succeeded, failed, skipped } = state.progress.counts;
        return this.publish(AcsGroupEventType.jobRunCompleted, { ...run, counts: { succeeded, failed, skipped } }, at);
      }
      case 'starting':
      case 'created':
      case 'cancelled':
      case 'failed':
        return;
    }
  }

  private async nameOf(jobId: string): Promise<string | undefined> {
    const known = this.names.get(jobId);
    if (known !== undefined) return known;
    const job = await this.deps.jobs.get(jobId);
    if (job) this.names.set(jobId, job.name);
    return job?.name;
  }

  private async publish(type: AcsJobEventType, data: AcsJobEventData, at: number): Promise<void> {
    try {
      await this.deps.bus.publish([newEvent(type, data.jobId, data, { now: at })]);
    } catch (error) {
      this.deps.logger.warn({ err: error, type, jobId: data.jobId, runId: data.runId }, 'acs.group job event not published; the job goes on');
    }
  }
}
