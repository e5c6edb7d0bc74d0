import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';
import { validTargetListing, type RolloutStore, type RolloutTarget } from '@acs/rollout';

import { currentRunIdOf, jobIdOfRun, type JobDevice } from '../domain/job';
import { jobTaskDataOf } from '../domain/job-outcome';
import type { JobRepository } from '../repositories/ports';
import { jobOrNotFound } from './get-job.usecase';

export interface ListJobDevicesQuery {
  jobId: string;
  /** A run of the job (`<jobId>.<n>`); absent: the current (or last) run. */
  runId?: string;
  /** Empty: every state. */
  states: readonly string[];
  wave?: number;
  /** The page starts after this insertion number (the last device of the previous page); absent: the first page. */
  after?: number;
  limit: number;
}

export interface JobDevicePage {
  runId: string | null;
  devices: JobDevice[];
  /** Where the next page starts (the last device's insertion number); absent on the last page. */
  nextAfter?: number;
}

/**
 * A run's devices in the order they were added, narrowed by states and wave: each one's state, attempts, and why it
 * failed (the CPE's fault code and string, `unreachable`, `timeout`…). Paged on the targets' insertion number, as
 * ListCampaignDevices: an index range per page however deep, stable while the run goes on.
 */
export class ListJobDevices {
  constructor(private readonly deps: { jobs: Pick<JobRepository, 'get'>; rollouts: Pick<RolloutStore, 'findTargets' | 'getRollout'> }) {}

  async execute(query: ListJobDevicesQuery): Promise<JobDevicePage> {
    const states = validTargetListing(query);
    const job = await jobOrNotFound(this.deps.jobs, query.jobId);
    const runId = query.runId || currentRunIdOf(job);
    if (query.runId && jobIdOfRun(query.runId) !== job.id) throw ValidationError.forField('run_id', `${query.runId} is not a run of job ${job.id} (runs are ${job.id}.1, ${job.id}.2…)`, 'BAD_FORMAT');
    if (job.action.kind === 'campaign') {
      // Its devices are the campaign's, with what only a campaign says of them (versions, skip reasons, stages):
      // pointed at rather than copied into a poorer shape here.
      const where = runId ? `CampaignService.ListCampaignDevices campaign_id=${runId} (acsctl campaigns devices ${runId})` : 'the campaign of its first run, once it has one';
      throw new ConflictError(`job ${job.id} runs firmware campaigns: a run's devices are ${where}`, { kind: 'precondition', reason: 'CAMPAIGN_RUN', subject: `job ${job.id}` });
    }
    if (!runId) return { runId: null, devices: [] };
    if (!(await this.deps.rollouts.getRollout(runId))) {
      if (query.runId) throw new NotFoundError('run', runId);
      return { runId: null, devices: [] };
    }
    // One more than the page: whether there is a next page is known without a count.
    const targets = await this.deps.rollouts.findTargets(
      {
        rolloutId: runId,
        ...(states.length > 0 ? { states } : {}),
        ...(query.wave !== undefined ? { wave: query.wave } : {}),
        ...(query.after !== undefined ? { seqAfter: query.after } : {}),
      },
      { order: 'seq', limit: query.limit + 1 },
    );
    const devices = targets.slice(0, query.limit).map(jobDeviceOf);
    return targets.length > query.limit ? { runId, devices, nextAfter: devices[devices.length - 1].seq } : { runId, devices };
  }
}

export function jobDeviceOf(target: RolloutTarget): JobDevice {
  const { taskId } = jobTaskDataOf(target.data);
  return {
    deviceId: target.deviceId,
    seq: target.seq,
    state: target.state,
    ...(target.stage !== undefined ? { stage: target.stage } : {}),
    ...(target.wave !== undefined ? { wave: target.wave } : {}),
    attempts: target.attempts,
    ...(target.error ? { error: target.error } : {}),
    ...(target.skipReason !== undefined ? { skipReason: target.skipReason } : {}),
    ...(taskId !== undefined ? { taskId } : {}),
    ...(target.startedAt !== undefined ? { startedAt: target.startedAt } : {}),
    ...(target.finishedAt !== undefined ? { finishedAt: target.finishedAt } : {}),
  };
}
