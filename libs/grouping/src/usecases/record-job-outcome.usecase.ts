import type { AcsTaskEventData } from '@acs/contracts';
import type { Logger } from '@acs/platform';
import type { RolloutEngine } from '@acs/rollout';

import { currentRunIdOf, jobIdOfTaskSource } from '../domain/job';
import type { JobTaskObservation } from '../domain/job-outcome';
import type { JobRepository } from '../repositories/ports';

/**
 * Follows the jobs' tasks: a task's news (acs.task, source `job:<jobId>`) becomes an observation of the device in the
 * job's current run, which the run's driver reads against the device's current attempt (domain/job-outcome.ts holds
 * the rules; a task of an earlier attempt or run matches no current attempt and moves nothing). Whichever grouping pod
 * consumes an event, only the pod driving the run writes its targets (RolloutEngine.observe).
 */
export class RecordJobOutcome {
  constructor(
    private readonly deps: {
      jobs: Pick<JobRepository, 'get'>;
      engine: Pick<RolloutEngine, 'observe'>;
      logger: Pick<Logger, 'debug'>;
    },
  ) {}

  async onTask(event: AcsTaskEventData): Promise<void> {
    const jobId = jobIdOfTaskSource(event.source);
    if (!jobId) return;
    const job = await this.deps.jobs.get(jobId);
    const runId = job ? currentRunIdOf(job) : null;
    if (!runId) return;
    const observation: JobTaskObservation = {
      kind: 'task',
      taskId: event.taskId,
      status: event.status,
      ...(event.fault ? { fault: { code: event.fault.code, message: event.fault.message, transient: event.fault.transient } } : {}),
    };
    const how = await this.deps.engine.observe(runId, event.deviceId, { ...observation });
    this.deps.logger.debug({ jobId, runId, deviceId: event.deviceId, taskId: event.taskId, status: event.status, how }, 'job task news');
  }
}
