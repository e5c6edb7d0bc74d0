import { NotFoundError } from '@acs/platform';

import type { Task } from '../domain/task';
import type { TaskRepository } from '../repositories/ports';
import { requireField } from './violations';

/** One task as it stands. */
export class GetTask {
  constructor(private readonly tasks: Pick<TaskRepository, 'get'>) {}

  async execute(query: { taskId: string }): Promise<Task> {
    const taskId = requireField(query.taskId, 'task_id');
    const task = await this.tasks.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    return task;
  }
}
