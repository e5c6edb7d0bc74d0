import { ConflictError, type Logger } from '@acs/platform';
import type { RolloutEngine, RolloutStore } from '@acs/rollout';

import { jobIdOfRun, runIdOf, type Job } from '../domain/job';
import { nextRunAfter } from '../domain/job-schedule';
import type { GroupingStore } from '../repositories/ports';
import type { CampaignJobRuns } from './campaign-job-runs.usecase';
import type { DeviceInventory } from './grouping-ports';

/** Devices read per page (a group's members or a filter's matches) and added to a run per addTargets. */
export const RUN_PAGE_SIZE = 500;
/** Jobs one round starts, and interrupted run creations it looks at. */
const PER_ROUND = 100;

export interface JobRunDeps {
  store: Pick<GroupingStore, 'jobs' | 'members'> & { rollouts: Pick<RolloutStore, 'listRollouts'> };
  engine: Pick<RolloutEngine, 'create' | 'get' | 'addTargets' | 'drive' | 'seal' | 'start' | 'cancel' | 'leaseMs'>;
  inventory: Pick<DeviceInventory, 'matchingIds'>;
  /** The runs of campaign jobs (one firmware campaign each), which are no rollouts of this service. */
  campaignRuns: Pick<CampaignJobRuns, 'fire'>;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
}

export type FireResult = 'started' | 'skipped' | 'taken' | 'cancelled';

/**
 * Starts the runs that are due. Every pod's scheduler runs this; the one that inserts the run's rollout
 * (`<jobId>.<n>`, n = the runs before + 1) starts it, every other pod's insert of that id fails and it leaves the
 * occurrence to the winner: one run per occurrence, whatever the number of pods. A run is created unsealed, its
 * devices streamed in page by page under the driver's lease, then sealed and started; a run whose pod died on the
 * way is finished by another pod once the lease ran out (resumeCreations). A cron occurrence that comes while the
 * job's run is still going (running or paused) is skipped: two runs of a job never overlap.
 */
export class StartJobRuns {
  constructor(private readonly deps: JobRunDeps) {}

  /** Fires every job due by now; how many runs this pod started. */
  async due(): Promise<number> {
    let started = 0;
    for (const job of await this.deps.store.jobs.due(this.deps.now(), PER_ROUND)) {
      try {
        if ((await this.fire(job)) === 'started') started += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, jobId: job.id }, 'starting a job run failed; the next round tries again');
      }
    }
    return started;
  }

  /** Fires one due job: starts its next run, or skips the occurrence while its run is going. */
  async fire(job: Job): Promise<FireResult> {
    const { engine, logger } = this.deps;
    const now = this.deps.now();
    if (job.cancelledAt !== undefined) return 'cancelled';
    if (job.action.kind === 'campaign') return this.deps.campaignRuns.fire(job);
    if (job.runCount > 0) {
      const current = await engine.get(runIdOf(job.id, job.runCount));
      if (current && (current.state === 'created' || current.state === 'running' || current.state === 'paused')) {
        const skipped = await this.deps.store.jobs.update(withNextRun(job, nextRunAfter(job.schedule, now), job.skippedRuns + 1), job.revision);
        if (skipped) logger.info({ jobId: job.id, runId: current.id, state: current.state, nextRunAt: skipped.nextRunAt }, `job ${job.id}: occurrence skipped, its run ${current.id} is still ${current.state}`);
        return 'skipped';
      }
    }
    const runId = runIdOf(job.id, job.runCount + 1);
    try {
      await engine.create({ id: runId, policy: job.policy, sealed: false });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Another pod won this occurrence; record it for that pod in case it died before it could.
      await this.recordRun(job.id, job.runCount + 1);
      return 'taken';
    }
    const recorded = await this.recordRun(job.id, job.runCount + 1);
    if (!recorded) {
      await engine.cancel(runId);
      return 'cancelled';
    }
    await this.complete(recorded, runId);
    return 'started';
  }

  /**
   * Finishes runs whose pod died while their devices streamed in (or before they started): a rollout still `created`
   * after its lease, which no pod renews, is taken over through the driver's lease, and its job's devices streamed
   * again (adding a device is idempotent), sealed and started. How many this pod finished.
   */
  async resumeCreations(): Promise<number> {
    let resumed = 0;
    const now = this.deps.now();
    for (const rollout of await this.deps.store.rollouts.listRollouts(['created'], PER_ROUND)) {
      if (now - rollout.createdAt < this.deps.engine.leaseMs) continue;
      const jobId = jobIdOfRun(rollout.id);
      if (!jobId || !(await this.deps.engine.drive(rollout.id))) continue;
      const run = Number(rollout.id.slice(jobId.length + 1));
      try {
        const job = await this.recordRun(jobId, run);
        if (!job) {
          await this.deps.engine.cancel(rollout.id);
          continue;
        }
        this.deps.logger.info({ jobId, runId: rollout.id }, `resuming the start of run ${rollout.id}: its pod stopped before it started`);
        await this.complete(job, rollout.id);
        resumed += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, jobId, runId: rollout.id }, 'resuming a run failed; the next round tries again');
      }
    }
    return resumed;
  }

  /**
   * The job with run `run` recorded as its current one and its next run due at the schedule's next occurrence (as
   * stored already when another pod recorded it); null when the job is gone or cancelled (the run must not start).
   */
  private async recordRun(jobId: string, run: number): Promise<Job | null> {
    for (;;) {
      const job = await this.deps.store.jobs.get(jobId);
      if (!job || job.cancelledAt !== undefined) return null;
      if (job.runCount >= run) return job;
      const recorded = await this.deps.store.jobs.update({ ...withNextRun(job, nextRunAfter(job.schedule, this.deps.now()), job.skippedRuns), runCount: run }, job.revision);
      if (recorded) return recorded;
    }
  }

  /** Streams the job's devices into the run unless it is sealed already, seals and starts it. */
  private async complete(job: Job, runId: string): Promise<void> {
    const { engine } = this.deps;
    const rollout = await engine.get(runId);
    if (!rollout || rollout.state !== 'created') return;
    let devices = 0;
    if (!rollout.sealed) {
      for await (const page of this.devicesOf(job)) {
        if (!(await engine.drive(runId))) {
          throw new ConflictError(`another pod took over starting run ${runId}`, { kind: 'precondition', reason: 'RUN_TAKEN_OVER', subject: `run ${runId}` });
        }
        if (page.length > 0) await engine.addTargets(runId, page.map((deviceId) => ({ deviceId })));
        devices += page.length;
      }
      await engine.seal(runId);
    }
    await engine.start(runId);
    this.deps.logger.info({ jobId: job.id, runId, devices }, `job ${job.id}: run ${runId} started`);
  }

  /** The devices of the job's target now, a page at a time: a group's members from the membership store, a filter's matches from provisioning. */
  private async *devicesOf(job: Job): AsyncGenerator<string[]> {
    if (job.target.kind === 'group') {
      let after = '';
      do {
        const page = await this.deps.store.members.members(job.target.groupId, { after, limit: RUN_PAGE_SIZE });
        yield page.deviceIds;
        after = page.next;
      } while (after !== '');
      return;
    }
    let pageToken = '';
    do {
      const page = await this.deps.inventory.matchingIds(job.target.filter, pageToken, RUN_PAGE_SIZE);
      yield page.ids;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
  }
}

export function withNextRun(job: Job, nextRunAt: number | undefined, skippedRuns: number): Job {
  const { nextRunAt: _previous, ...rest } = job;
  return { ...rest, skippedRuns, ...(nextRunAt !== undefined ? { nextRunAt } : {}) };
}
