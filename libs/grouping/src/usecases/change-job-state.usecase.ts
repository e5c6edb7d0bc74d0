import { ConflictError, type Logger } from '@acs/platform';
import type { RolloutEngine } from '@acs/rollout';

import { currentRunIdOf, type Job } from '../domain/job';
import type { JobRepository } from '../repositories/ports';
import { jobOrNotFound } from './get-job.usecase';
import type { JobEvents } from './job-ports';

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
    // The job is cancelled first: a run a scheduler is starting meanwhile sees it and does not start (StartJobRuns.recordRun).
    const runId = currentRunIdOf(current);
    const run = runId ? await engine.get(runId) : null;
    const going = run && (run.state === 'created' || run.state === 'running' || run.state === 'paused');
    if (going) await engine.cancel(run.id);
    await this.deps.events.jobCancelled(current, going ? run.id : null);
    this.deps.logger.info({ jobId: current.id, runId: going ? run.id : undefined, requestedBy }, `job ${current.id} cancelled`);
    return current;
  }
}

function stateError(job: Job, why: string): ConflictError {
  return new ConflictError(`job ${job.id}: ${why}`, { reason: 'JOB_STATE', subject: `job ${job.id}` });
}
