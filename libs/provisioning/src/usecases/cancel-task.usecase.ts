import type { Logger } from '@acs/platform';

import type { Task } from '../domain/task';
import type { TaskLifecycle } from '../tasks/task-lifecycle';
import { withStateReason } from './task-conflicts';
import { requireField } from './violations';

/** Cancels a task that has not ended, withdrawing its queued work. A finished task: TASK_ALREADY_FINAL. */
export class CancelTask {
  constructor(
    private readonly lifecycle: TaskLifecycle,
    private readonly logger: Logger,
  ) {}

  async execute(command: { taskId: string }): Promise<Task> {
    const taskId = requireField(command.taskId, 'task_id');
    const task = await withStateReason(taskId, 'TASK_ALREADY_FINAL', () => this.lifecycle.cancel(taskId));
    this.logger.info({ deviceId: task.deviceId, taskId }, 'task cancelled through the API');
    return task;
  }
}
