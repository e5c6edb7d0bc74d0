import { NotFoundError, type Page, type Paged } from '@acs/platform';
import type { RolloutEngine, RolloutProgress } from '@acs/rollout';

import { currentRunIdOf, jobStatusOf, type Job, type JobStatus } from '../domain/job';
import type { JobRepository } from '../repositories/ports';
import type { JobCampaigns } from './job-ports';

export interface JobView {
  job: Job;
  /** From the job and its current run's state (the rollout is the truth of a run). */
  status: JobStatus;
  /** The current (or last) run's id; null before the first run. */
  runId: string | null;
}

export interface JobWithProgress extends JobView {
  /** The current (or last) run's progress: counts per state and wave, stages, rates, window, ETA; null before the first run. */
  progress: RolloutProgress | null;
}

type JobReadDeps = { jobs: Pick<JobRepository, 'get' | 'list'>; engine: Pick<RolloutEngine, 'get' | 'progress'>; campaigns: Pick<JobCampaigns, 'get'> };

/** One job with its current run's progress (a campaign job's: its run's campaign's, read from the firmware service). */
export class GetJob {
  constructor(private readonly deps: JobReadDeps) {}

  async execute(query: { jobId: string }): Promise<JobWithProgress> {
    const job = await jobOrNotFound(this.deps.jobs, query.jobId);
    const runId = currentRunIdOf(job);
    if (job.action.kind === 'campaign') {
      const recorded = job.campaignRun?.status ?? null;
      // A run still starting or that failed to start has no campaign; any other run's campaign is the truth of it.
      const state = runId && recorded !== null && recorded !== 'starting' && recorded !== 'failed' ? await this.deps.campaigns.get(runId) : null;
      return { job, status: jobStatusOf(job, state?.status ?? recorded), runId, progress: state?.progress ?? null };
    }
    const progress = runId ? await this.deps.engine.progress(runId).catch((error: unknown) => (error instanceof NotFoundError ? null : Promise.reject(error))) : null;
    return { job, status: jobStatusOf(job, progress?.state ?? null), runId: progress ? runId : null, progress };
  }
}

/** Jobs, newest first, each with its status (a read of its current run: a page is at most a thousand). */
export class ListJobs {
  constructor(private readonly deps: JobReadDeps) {}

  async execute(page: Page): Promise<Paged<JobView>> {
    const jobs = await this.deps.jobs.list(page);
    const items = await Promise.all(
      jobs.items.map(async (job) => {
        const runId = currentRunIdOf(job);
        // A campaign job's run as the scheduler last polled it: a list asks the firmware service nothing.
        if (job.action.kind === 'campaign') return { job, status: jobStatusOf(job, job.campaignRun?.status ?? null), runId };
        const run = runId ? await this.deps.engine.get(runId) : null;
        return { job, status: jobStatusOf(job, run?.state ?? null), runId: run ? runId : null };
      }),
    );
    return { items, total: jobs.total };
  }
}

export async function jobOrNotFound(jobs: Pick<JobRepository, 'get'>, jobId: string): Promise<Job> {
  const job = jobId === '' ? null : await jobs.get(jobId);
  if (!job) throw new NotFoundError('job', jobId);
  return job;
}
