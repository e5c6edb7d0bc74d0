import { acsV1 as pb } from '@acs/contracts';
import { ValidationError } from '@acs/platform';
import { policyFromProto, policyToProto, type RolloutPolicy } from '@acs/rollout';

import type { Job, JobAction, JobImageRule, JobDevice, JobSchedule, JobStatus, JobTarget } from '../domain/job';

export function jobTargetFromProto(target: pb.JobTarget | undefined): JobTarget {
  switch (target?.kind?.$case) {
    case 'groupId':
      return { kind: 'group', groupId: target.kind.groupId };
    case 'filter':
      return { kind: 'filter', filter: target.kind.filter };
    case undefined:
      throw ValidationError.forField('target', 'is required: a group_id or a filter', 'REQUIRED');
  }
}

export function jobTargetToProto(target: JobTarget): pb.JobTarget {
  return target.kind === 'group' ? { kind: { $case: 'groupId', groupId: target.groupId } } : { kind: { $case: 'filter', filter: target.filter } };
}

/** The action as the job keeps it: the TaskSpec's proto JSON, so any task kind provisioning knows passes through. */
export function jobActionFromProto(action: pb.JobAction | undefined): JobAction {
  switch (action?.kind?.$case) {
    case 'task': {
      const task = pb.TaskSpec.toJSON(action.kind.task) as Record<string, unknown>;
      return { kind: 'task', task };
    }
    case 'campaign':
      return { kind: 'campaign', imageRules: action.kind.campaign.imageRules.map(imageRuleFromProto) };
    case undefined:
      throw ValidationError.forField('action', 'is required: the task each device gets, or the campaign each run is', 'REQUIRED');
  }
}

export function jobActionToProto(action: JobAction): pb.JobAction {
  if (action.kind === 'campaign') return { kind: { $case: 'campaign', campaign: { imageRules: action.imageRules.map(imageRuleToProto) } } };
  return { kind: { $case: 'task', task: pb.TaskSpec.fromJSON(action.task) } };
}

export function imageRuleFromProto(rule: pb.ImageRule): JobImageRule {
  return { oui: rule.oui, productClass: rule.productClass, hardwareVersion: rule.hardwareVersion, fromVersions: [...rule.fromVersions], fileId: rule.fileId };
}

export function imageRuleToProto(rule: JobImageRule): pb.ImageRule {
  return { oui: rule.oui, productClass: rule.productClass, hardwareVersion: rule.hardwareVersion, fromVersions: [...rule.fromVersions], fileId: rule.fileId };
}

export function jobScheduleFromProto(schedule: pb.JobSchedule | undefined, policy: RolloutPolicy): JobSchedule {
  if (!schedule || (schedule.startTime === undefined && schedule.cron === '')) return { kind: 'now' };
  if (schedule.startTime !== undefined && schedule.cron !== '') throw ValidationError.forField('schedule', 'set start_time or cron, not both', 'BAD_FORMAT');
  if (schedule.startTime !== undefined) return { kind: 'at', at: schedule.startTime.getTime() };
  return { kind: 'cron', expression: schedule.cron, timeZone: schedule.timeZone || policy.timeZone || 'UTC' };
}

export function jobScheduleToProto(schedule: JobSchedule): pb.JobSchedule {
  switch (schedule.kind) {
    case 'now':
      return { cron: '', timeZone: '' };
    case 'at':
      return { startTime: new Date(schedule.at), cron: '', timeZone: '' };
    case 'cron':
      return { cron: schedule.expression, timeZone: schedule.timeZone };
  }
}

/** A job's policy: a rollout's, where no step set is one wave of all the devices (after the canary, if any). */
export function jobPolicyFromProto(policy: pb.RolloutPolicy | undefined): RolloutPolicy {
  if (policy && policy.stepSize === 0 && policy.stepPercent === 0) return policyFromProto({ ...policy, stepPercent: 100 });
  return policyFromProto(policy);
}

export function jobToProto(job: Job, status: JobStatus, runId: string | null): pb.Job {
  return {
    id: job.id,
    name: job.name,
    target: jobTargetToProto(job.target),
    action: jobActionToProto(job.action),
    schedule: jobScheduleToProto(job.schedule),
    policy: policyToProto(job.policy),
    status,
    runCount: job.runCount,
    currentRunId: runId ?? '',
    ...(job.nextRunAt !== undefined ? { nextRunTime: new Date(job.nextRunAt) } : {}),
    skippedRuns: job.skippedRuns,
    createTime: new Date(job.createdAt),
    createdBy: job.createdBy,
    ...(job.cancelledAt !== undefined ? { cancelTime: new Date(job.cancelledAt) } : {}),
    cancelledBy: job.cancelledBy ?? '',
    runError: job.campaignRun?.status === 'failed' ? (job.campaignRun.error ?? 'its campaign could not be created') : '',
  };
}

export function jobDeviceToProto(device: JobDevice): pb.JobDevice {
  return {
    deviceId: device.deviceId,
    state: device.state,
    stage: device.stage ?? '',
    ...(device.wave !== undefined ? { wave: device.wave } : {}),
    attempts: device.attempts,
    ...(device.error ? { error: { code: device.error.code, message: device.error.message } } : {}),
    taskId: device.taskId ?? '',
    ...(device.startedAt !== undefined ? { startTime: new Date(device.startedAt) } : {}),
    ...(device.finishedAt !== undefined ? { finishTime: new Date(device.finishedAt) } : {}),
  };
}
