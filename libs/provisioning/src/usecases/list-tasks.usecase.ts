import type { Task, TaskStatus } from '../domain/task';
import type { Page, Paged, TaskRepository } from '../repositories/ports';

export interface ListTasksQuery {
  /** '' or absent: every device. */
  deviceId?: string;
  /** Empty or absent: every status. */
  statuses?: readonly TaskStatus[];
  /** '' or absent: every source (`api`, `api:<client>`, `preset:<names>`). */
  source?: string;
  page: Page;
}

/** Tasks newest first, filtered by device, status and source. */
export class ListTasks {
  constructor(private readonly tasks: Pick<TaskRepository, 'list'>) {}

  execute(query: ListTasksQuery): Promise<Paged<Task>> {
    return this.tasks.list(
      {
        ...(query.deviceId ? { deviceId: query.deviceId } : {}),
        ...(query.statuses && query.statuses.length > 0 ? { status: [...query.statuses] } : {}),
        ...(query.source ? { source: query.source } : {}),
      },
      query.page,
    );
  }
}
