import { randomUUID } from 'node:crypto';

import type { Logger } from '@acs/platform';
import { RolloutEngine } from '@acs/rollout';

import { interpretJobObservation } from '../domain/job-outcome';
import type { GroupingStore } from '../repositories/ports';
import { ChangeJobState } from './change-job-state.usecase';
import { CreateJob } from './create-job.usecase';
import { GetJob, ListJobs } from './get-job.usecase';
import type { DeviceInventory } from './grouping-ports';
import type { JobEvents, JobTasks } from './job-ports';
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
  /**
   * One scheduler round: every running or paused run ticked (windows, rates, timeouts, retries, threshold), the runs
   * that are due started, and starts a dead pod left half done finished.
   */
  round(): Promise<void>;
}

/** The job use cases, their rollout engine and run starter, built once over the store: by the module and by the specs. */
export function createJobCore(deps: JobCoreDeps): JobCore {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
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
  const runs = new StartJobRuns({ store, engine, inventory: deps.inventory, logger, now });
  const common = { store, events: deps.events, logger, now, newId: deps.newId ?? randomUUID };
  return {
    engine,
    runs,
    round: async () => {
      await engine.tickAll();
      await runs.due();
      await runs.resumeCreations();
    },
    useCases: {
      createJob: new CreateJob({ ...common, runs }),
      getJob: new GetJob({ jobs: store.jobs, engine }),
      listJobs: new ListJobs({ jobs: store.jobs, engine }),
      listJobDevices: new ListJobDevices({ jobs: store.jobs, rollouts: store.rollouts }),
      changeJobState: new ChangeJobState({ jobs: store.jobs, engine, events: deps.events, logger, now }),
      recordJobOutcome: new RecordJobOutcome({ jobs: store.jobs, engine, logger }),
    },
  };
}
