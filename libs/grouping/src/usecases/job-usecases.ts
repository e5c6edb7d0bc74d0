import { randomUUID } from 'node:crypto';

import { ConflictError, NotFoundError, type Logger } from '@acs/platform';
import { RolloutEngine } from '@acs/rollout';

import { interpretJobObservation } from '../domain/job-outcome';
import type { GroupingStore } from '../repositories/ports';
import { CampaignJobRuns } from './campaign-job-runs.usecase';
import { ChangeJobState } from './change-job-state.usecase';
import { CreateJob } from './create-job.usecase';
import { GetJob, ListJobs } from './get-job.usecase';
import type { DeviceInventory } from './grouping-ports';
import type { JobCampaigns, JobEvents, JobTasks } from './job-ports';
import { ListJobDevices } from './list-job-devices.usecase';
import { RecordJobOutcome } from './record-job-outcome.usecase';
import { StartJobRuns } from './start-job-runs.usecase';
import { StartJobTask } from './start-job-task';

/** Every job operation, one use case each. */
export interface JobUseCases {
  createJob: CreateJob;
  getJob: GetJob;
  listJobs: ListJobs;
  listJobDevices: ListJobDevices;
  changeJobState: ChangeJobState;
  recordJobOutcome: RecordJobOutcome;
}

export interface JobCoreDeps {
  store: GroupingStore;
  inventory: DeviceInventory;
  tasks: JobTasks;
  /** The firmware service's campaigns, for the campaign jobs' runs; absent where no firmware service is reached (their runs fail, saying so). */
  campaigns?: JobCampaigns;
  events: JobEvents;
  /** This pod's name among the pods sharing the store (the rollout engine's owner). */
  owner: string;
  /** How long a pod drives a run without ticking it before another takes it over. */
  leaseMs?: number;
  logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  now?: () => number;
  newId?: () => string;
}

export interface JobCore {
  useCases: JobUseCases;
  /** The runs' engine: ticked by the scheduler (and after outcomes). */
  engine: RolloutEngine;
  runs: StartJobRuns;
  /** The campaign jobs' runs (one firmware campaign each), followed by the scheduler's rounds. */
  campaignRuns: CampaignJobRuns;
  /**
   * One scheduler round: every running or paused run ticked (windows, rates, timeouts, retries, threshold), the
   * campaign runs' campaigns polled, the runs that are due started, and starts a dead pod left half done finished.
   */
  round(): Promise<void>;
}

/** The job use cases, their rollout engine and run starter, built once over the store: by the module and by the specs. */
export function createJobCore(deps: JobCoreDeps): JobCore {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const campaigns = deps.campaigns ?? NO_FIRMWARE;
  const engine = new RolloutEngine({
    store: store.rollouts,
    executor: new StartJobTask({ jobs: store.jobs, tasks: deps.tasks, rollouts: store.rollouts, now }),
    owner: deps.owner,
    now,
    ...(deps.leaseMs !== undefined ? { leaseMs: deps.leaseMs } : {}),
    interpret: interpretJobObservation,
    notify: async (notification) => {
      if (notification.type === 'driving') {
        logger.info({ runId: notification.rolloutId, pod: deps.owner, epoch: notification.epoch }, `this pod drives run ${notification.rolloutId}`);
        return;
      }
      await deps.events.runChanged(notification);
    },
  });
  const campaignRuns = new CampaignJobRuns({ jobs: store.jobs, campaigns, events: deps.events, logger, now, takeOverAfterMs: engine.leaseMs });
  const runs = new StartJobRuns({ store, engine, inventory: deps.inventory, campaignRuns, logger, now });
  const common = { store, events: deps.events, logger, now, newId: deps.newId ?? randomUUID };
  return {
    engine,
    runs,
    campaignRuns,
    round: async () => {
      await engine.tickAll();
      await campaignRuns.followAll();
      await runs.due();
      await runs.resumeCreations();
    },
    useCases: {
      createJob: new CreateJob({ ...common, runs }),
      getJob: new GetJob({ jobs: store.jobs, engine, campaigns }),
      listJobs: new ListJobs({ jobs: store.jobs, engine, campaigns }),
      listJobDevices: new ListJobDevices({ jobs: store.jobs, rollouts: store.rollouts }),
      changeJobState: new ChangeJobState({ jobs: store.jobs, engine, campaigns, campaignRuns, events: deps.events, logger, now }),
      recordJobOutcome: new RecordJobOutcome({ jobs: store.jobs, engine, logger }),
    },
  };
}

/** Where no firmware service is reached: a campaign job's run fails with this, and the job says it (run_error). */
const NO_FIRMWARE: JobCampaigns = {
  create: async () => {
    throw new ConflictError('this grouping service reaches no firmware service: a campaign job cannot run here', { kind: 'precondition', reason: 'FIRMWARE_UNAVAILABLE', subject: 'action.campaign' });
  },
  get: async () => null,
  pause: async (campaignId) => Promise.reject(new NotFoundError('campaign', campaignId)),
  resume: async (campaignId) => Promise.reject(new NotFoundError('campaign', campaignId)),
  cancel: async (campaignId) => Promise.reject(new NotFoundError('campaign', campaignId)),
};
