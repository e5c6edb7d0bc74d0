import { NotFoundError } from '@acs/platform';

import type { Task, TaskResultEntryKind } from '../domain/task';
import { taskOutcomeSummary, taskResultEntries, type TaskOutcomeSummary } from '../domain/task-result';
import type { Page, TaskRepository, TaskResultRepository } from '../repositories/ports';
import { requireField } from './violations';

/** Entries of a page when the caller asks for none in particular. */
export const DEFAULT_RESULT_PAGE_ENTRIES = 1_000;
/** The most entries a page holds, whatever the caller asks. */
export const MAX_RESULT_PAGE_ENTRIES = 5_000;
/**
 * A page ends before its entries pass this size (as JSON; it holds at least one entry): with values of any length,
 * a page stays far under the 4 MiB a gRPC message may have by default.
 */
export const MAX_RESULT_PAGE_BYTES = 1024 * 1024;

export interface TaskResultPage {
  task: Task;
  /** Undefined while the task has neither result nor fault. */
  summary: TaskOutcomeSummary | undefined;
  /** What the entries are; undefined when the task has no result. */
  kind: TaskResultEntryKind | undefined;
  entries: unknown[];
  /** Offset of the next page, or undefined after the last one. */
  nextSkip: number | undefined;
}

/**
 * A page of a task's result: from the task itself when the result is small (or the task was done before results
 * were kept apart), else from the TaskResultRepository. Results do not change once written, so offsets are stable.
 */
export class GetTaskResult {
  constructor(
    private readonly tasks: Pick<TaskRepository, 'get'>,
    private readonly results: Pick<TaskResultRepository, 'read'>,
  ) {}

  async execute(query: { taskId: string; page: Page }): Promise<TaskResultPage> {
    const taskId = requireField(query.taskId, 'task_id');
    const task = await this.tasks.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    const summary = taskOutcomeSummary(task);
    const limit = Math.min(Math.max(1, query.page.limit), MAX_RESULT_PAGE_ENTRIES);
    const { skip } = query.page;
    let kind: TaskResultEntryKind | undefined;
    let read: unknown[] = [];
    if (task.result !== undefined) {
      const all = taskResultEntries(task.result);
      kind = all.kind;
      read = all.entries.slice(skip, skip + limit);
    } else if (task.resultSummary) {
      kind = task.resultSummary.entryKind;
      read = await this.results.read(taskId, { skip, limit });
    }
    const entries = withinBytes(read, MAX_RESULT_PAGE_BYTES);
    const total = summary?.entryCount ?? 0;
    const next = skip + entries.length;
    return { task, summary, kind, entries, nextSkip: entries.length > 0 && next < total ? next : undefined };
  }
}

/** The leading entries that fit in `maxBytes` as JSON, at least one. */
function withinBytes(entries: unknown[], maxBytes: number): unknown[] {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(entries[i]) ?? 'null', 'utf8');
    if (bytes > maxBytes && i > 0) return entries.slice(0, i);
  }
  return entries;
}
