import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '@acs/platform';

import type { Task } from '../domain/task';
import type { TaskRepository } from '../repositories/ports';
import { FINAL_STATUSES } from '../tasks/task-lifecycle';
import { requireField } from './violations';

/** How often WatchTask looks at the task. */
export const WATCH_POLL_MS = 200;

/**
 * The task, then each new revision of it, until it is final or the watcher goes away (`signal`). Polls the store
 * rather than the `acs.task` topic: a revision is bumped on every write, whichever pod made it, and a 200 ms poll
 * of one document per watcher is cheap next to a consumer group per watch.
 */
export class WatchTask {
  constructor(
    private readonly tasks: Pick<TaskRepository, 'get'>,
    private readonly pollMs = WATCH_POLL_MS,
  ) {}

  async *execute(query: { taskId: string }, signal: AbortSignal): AsyncGenerator<Task, void, undefined> {
    const taskId = requireField(query.taskId, 'task_id');
    let task = await this.tasks.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    let sentRevision: number | undefined;
    while (!signal.aborted) {
      if (task.revision !== sentRevision) {
        yield task;
        sentRevision = task.revision;
      }
      if (FINAL_STATUSES.has(task.status)) return;
      try {
        await sleep(this.pollMs, undefined, { signal });
      } catch {
        return; // aborted: the watcher went away
      }
      const latest = await this.tasks.get(taskId);
      // Deleted while watched (its device was forgotten): nothing more will come.
      if (!latest) throw new NotFoundError('task', taskId);
      task = latest;
    }
  }
}
