import type { RolloutTarget, TargetOutcome } from '@acs/rollout';

/** Stages of a job's device while its attempt is in progress. */
export const JobTaskStage = {
  /** The task exists; the device has not taken it yet (passive mode: until its next inform). */
  queued: 'queued',
  /** The task's RPC went to the device. */
  dispatched: 'dispatched',
} as const;

export type JobTaskStatus = 'pending' | 'dispatched' | 'done' | 'faulted' | 'expired' | 'cancelled';

/**
 * What a grouping pod saw of a job's task (its acs.task event), kept as a rollout observation until the run's driver
 * reads it against the device's current attempt: only what the rules read.
 */
export interface JobTaskObservation {
  kind: 'task';
  taskId: string;
  status: JobTaskStatus;
  fault?: { code: string; message: string; transient: boolean };
}

/** The task of a target's current attempt, as the executor records it on the target. */
export interface JobTaskData {
  taskId?: string;
  /** The attempt the task belongs to: a recovered start whose task is recorded is not started again. */
  taskAttempt?: number;
}

export function jobTaskDataOf(data: Record<string, unknown> | undefined): JobTaskData {
  return {
    ...(typeof data?.taskId === 'string' ? { taskId: data.taskId } : {}),
    ...(typeof data?.taskAttempt === 'number' ? { taskAttempt: data.taskAttempt } : {}),
  };
}

/**
 * What a job task's news means for the device: `done` is success — the RPC answered (a Reboot or FactoryReset is done
 * when the device answered the RPC, not when it came back: a job that must see the device again is a preset's or a
 * filter's business); a fault fails the attempt with the CPE's fault code and string (a connection request nobody
 * answered is `unreachable`), retried by the policy unless provisioning says a retry cannot help; an expired task is
 * a device that never came for it (`unreachable`); a task cancelled through the task API is `task-cancelled`.
 */
export function outcomeOfJobTask(report: Pick<JobTaskObservation, 'status' | 'fault'>): TargetOutcome | null {
  switch (report.status) {
    case 'pending':
      return null;
    case 'dispatched':
      return { kind: 'stage', stage: JobTaskStage.dispatched };
    case 'done':
      return { kind: 'succeeded' };
    case 'faulted': {
      const fault = report.fault ?? { code: 'faulted', message: 'the task faulted without a fault', transient: true };
      const code = fault.code === 'cr-unreachable' ? 'unreachable' : fault.code;
      return { kind: 'failed', error: { code, message: fault.message }, ...(fault.transient ? {} : { retryable: false }) };
    }
    case 'expired':
      return { kind: 'failed', error: { code: 'unreachable', message: 'the device did not take the task before it expired' } };
    case 'cancelled':
      return { kind: 'failed', error: { code: 'task-cancelled', message: 'the task was cancelled through the task API' } };
  }
}

const TASK_STATUSES: ReadonlySet<string> = new Set<JobTaskStatus>(['pending', 'dispatched', 'done', 'faulted', 'expired', 'cancelled']);

/**
 * A job task observation read against the target as the run's driver has it: it counts only for the task of the
 * current attempt (a late event of an earlier attempt's task says nothing). Anything unreadable is null.
 */
export function interpretJobObservation(target: RolloutTarget, body: Record<string, unknown>): TargetOutcome | null {
  const { taskId } = jobTaskDataOf(target.data);
  if (body.kind !== 'task' || taskId === undefined || body.taskId !== taskId) return null;
  if (typeof body.status !== 'string' || !TASK_STATUSES.has(body.status)) return null;
  const fault = body.fault as { code?: unknown; message?: unknown; transient?: unknown } | undefined;
  return outcomeOfJobTask({
    status: body.status as JobTaskStatus,
    ...(fault && typeof fault.code === 'string'
      ? { fault: { code: fault.code, message: typeof fault.message === 'string' ? fault.message : '', transient: fault.transient !== false } }
      : {}),
  });
}
