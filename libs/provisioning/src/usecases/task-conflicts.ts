import { ConflictError } from '@acs/platform';

import { TaskConflictError, TaskStateError } from '../tasks/task-lifecycle';

/** Runs a lifecycle transition; a TaskStateError becomes a precondition conflict with `reason`. */
export async function withStateReason<T>(taskId: string, reason: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TaskStateError) throw new ConflictError(error.message, { kind: 'precondition', reason, subject: `task ${taskId}` });
    if (error instanceof TaskConflictError) throw new ConflictError(error.message, { kind: 'concurrent-write', reason: 'TASK_CHANGED', subject: `task ${taskId}` });
    throw error;
  }
}
