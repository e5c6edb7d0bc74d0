import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { isServiceError } from '@acs/platform';
import { EXIT_OK, EXIT_TASK_NOT_DONE, EXIT_WAIT_TIMED_OUT } from '../cli/cli-errors';
import type { AcsConnection } from '../connection/acs-connection';
import { describeFault, isFinalStatus, taskStatusLabel } from '../output/resource-views';
import { formatTime } from '../output/output-writer';

export interface FollowedTask {
  /** The task as last seen; undefined only when the stream ended before its first message. */
  task?: acsV1.Task;
  /** The wait ended (deadline) before the task was final. */
  timedOut: boolean;
}

/**
 * Follows a task with WatchTask until it is final or `timeoutMs` passes, calling `onUpdate` with each state that is
 * newer than the previous one (the stream may repeat a revision, e.g. after a reconnect on the server side).
 */
export async function followTask(
  connection: AcsConnection,
  taskId: string,
  timeoutMs: number | undefined,
  onUpdate: (task: acsV1.Task, previous: acsV1.Task | undefined) => void,
): Promise<FollowedTask> {
  let last: acsV1.Task | undefined;
  try {
    for await (const message of connection.stream<acsV1.WatchTaskResponse>((md, o) => connection.tasks.watchTask({ taskId }, md, o), timeoutMs)) {
      const task = message.task;
      if (!task || (last && task.revision !== 0 && task.revision <= last.revision)) continue;
      onUpdate(task, last);
      last = task;
      if (isFinalStatus(task.status)) break;
    }
  } catch (error) {
    if (isServiceError(error) && error.code === status.DEADLINE_EXCEEDED) return { task: last, timedOut: true };
    throw error;
  }
  return { task: last, timedOut: last === undefined || !isFinalStatus(last.status) };
}

/**
 * A line for the operator when something they care about changed (status, attempt, fault); undefined when only
 * bookkeeping fields moved.
 */
export function progressLine(task: acsV1.Task, previous: acsV1.Task | undefined): string | undefined {
  const changed =
    !previous ||
    previous.status !== task.status ||
    previous.attempts !== task.attempts ||
    previous.fault?.code !== task.fault?.code ||
    previous.fault?.message !== task.fault?.message;
  if (!changed) return undefined;
  const parts = [`task ${task.id}: ${taskStatusLabel(task.status)}`];
  if (task.attempts > 0 || task.maxAttempts > 0) parts.push(`attempt ${task.attempts}/${task.maxAttempts}`);
  if (task.fault) parts.push(`fault ${describeFault(task.fault, task)}`);
  if (task.status === acsV1.TaskStatus.TASK_STATUS_PENDING && task.notBeforeTime && task.notBeforeTime.getTime() > Date.now()) {
    parts.push(`next try after ${formatTime(task.notBeforeTime)}`);
  }
  return parts.join(', ');
}

/** 0 when DONE, 3 when it ended otherwise, 4 when it was still going when the wait ended. */
export function exitCodeOf(followed: FollowedTask): number {
  if (followed.timedOut || !followed.task) return EXIT_WAIT_TIMED_OUT;
  return followed.task.status === acsV1.TaskStatus.TASK_STATUS_DONE ? EXIT_OK : EXIT_TASK_NOT_DONE;
}
