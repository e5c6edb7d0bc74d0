import { ValidationError, type FieldViolation, type Logger } from '@acs/platform';
import { validateRolloutPolicy, type RolloutPolicy } from '@acs/rollout';

import { parseGroupRule } from '../domain/group-rule';
import type { Job, JobAction, JobSchedule, JobTarget } from '../domain/job';
import { firstRunAt, scheduleViolations } from '../domain/job-schedule';
import type { GroupingStore } from '../repositories/ports';
import type { JobEvents } from './job-ports';
import type { StartJobRuns } from './start-job-runs.usecase';

export interface CreateJobCommand {
  name: string;
  target: JobTarget;
  action: JobAction;
  schedule: JobSchedule;
  policy: RolloutPolicy;
  createdBy: string;
}

export interface JobUseCaseDeps {
  store: Pick<GroupingStore, 'jobs' | 'groups' | 'rollouts'>;
  events: JobEvents;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  newId: () => string;
}

export const MAX_JOB_NAME_LENGTH = 200;

/**
 * Records a job and, when it is due at once (schedule `now`, or a time already past), starts its first run: the
 * devices of its target then. A later run starts when the scheduler finds it due. acs.group job-created.
 */
export class CreateJob {
  constructor(private readonly deps: JobUseCaseDeps & { runs: Pick<StartJobRuns, 'fire'> }) {}

  async execute(command: CreateJobCommand): Promise<Job> {
    const policy = await this.validate(command);
    const now = this.deps.now();
    const job: Job = {
      id: this.deps.newId(),
      name: command.name,
      target: command.target,
      action: command.action,
      schedule: command.schedule,
      policy,
      runCount: 0,
      nextRunAt: firstRunAt(command.schedule, now),
      skippedRuns: 0,
      createdAt: now,
      createdBy: command.createdBy,
      revision: 1,
    };
    await this.deps.store.jobs.insert(job);
    await this.deps.events.jobCreated(job);
    this.deps.logger.info({ jobId: job.id, name: job.name, schedule: job.schedule, target: job.target, createdBy: job.createdBy }, 'job created');
    if (job.nextRunAt !== undefined && job.nextRunAt <= now) {
      await this.deps.runs.fire(job);
      return (await this.deps.store.jobs.get(job.id)) ?? job;
    }
    return job;
  }

  /** Every wrong field named at once; the policy as the engine takes it. */
  private async validate(command: CreateJobCommand): Promise<RolloutPolicy> {
    const violations: FieldViolation[] = [];
    const name = command.name ?? '';
    if (name.trim() === '') violations.push({ field: 'name', description: 'is required', reason: 'REQUIRED' });
    else if (name.length > MAX_JOB_NAME_LENGTH) violations.push({ field: 'name', description: `is longer than ${MAX_JOB_NAME_LENGTH} characters`, reason: 'OUT_OF_RANGE' });

    if (command.target.kind === 'group') {
      if (command.target.groupId === '') violations.push({ field: 'target.group_id', description: 'is required', reason: 'REQUIRED' });
      else if (!(await this.deps.store.groups.get(command.target.groupId))) {
        violations.push({ field: 'target.group_id', description: `no group ${command.target.groupId}`, reason: 'NOT_FOUND' });
      }
    } else {
      try {
        parseGroupRule(command.target.filter, 'target.filter');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        violations.push(...error.fieldViolations);
      }
    }

    violations.push(...actionViolations(command.action));
    violations.push(...scheduleViolations(command.schedule));

    let policy = command.policy;
    try {
      policy = validateRolloutPolicy(command.policy);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      violations.push(...error.fieldViolations);
    }
    if (violations.length > 0) throw new ValidationError(`invalid job: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
    return policy;
  }
}

/**
 * A task names one kind of TaskSpec; a campaign has at least one image rule, each naming its file (whether the file
 * is a firmware image with a version is the firmware service's to say, when each run creates its campaign).
 */
function actionViolations(action: JobAction): FieldViolation[] {
  if (action.kind === 'task') {
    const task = action.task;
    if (!task || typeof task !== 'object' || Object.keys(task).length === 0) {
      return [{ field: 'action.task', description: 'names the task each device gets (one kind of TaskSpec)', reason: 'REQUIRED' }];
    }
    return [];
  }
  if (action.imageRules.length === 0) return [{ field: 'action.campaign.image_rules', description: 'at least one rule is required', reason: 'REQUIRED' }];
  return action.imageRules.flatMap((rule, index) =>
    rule.fileId.trim() === '' ? [{ field: `action.campaign.image_rules[${index}].file_id`, description: 'required', reason: 'REQUIRED' }] : [],
  );
}
