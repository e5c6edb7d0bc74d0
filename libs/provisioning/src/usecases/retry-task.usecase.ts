import type { Logger } from '@acs/platform';

import type { Task } from '../domain/task';
import type { TaskLifecycle } from '../tasks/task-lifecycle';
import { withStateReason } from './task-conflicts';
import { requireField } from './violations';

/** Runs a faulted, expired or cancelled task again from the start; any other: TASK_NOT_RETRYABLE. */
export class RetryTask {
  constructor(
    private readonly lifecycle: TaskLifecycle,
    private readonly logger: Logger,
  ) {}

  /** `connectionRequest` replaces the task's own choice of waking the device. */
  async execute(command: { taskId: string; connectionRequest?: boolean }): Promise<Task> {
    const taskId = requireField(command.taskId, 'task_id');
    const options = command.connectionRequest !== undefined ? { connectionRequest: command.connectionRequest } : {};
    const task = await withStateReason(taskId, 'TASK_NOT_RETRYABLE', () => this.lifecycle.retry(taskId, options));
    this.logger.info({ deviceId: task.deviceId, taskId }, 'task retried through the API');
    return task;
  }
}
