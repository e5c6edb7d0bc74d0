import type { Task, TaskStatus } from '../domain';
import { DuplicateKeyError, withoutUndefined, type DocumentCollection, type DocumentFilter, type StoredDocument } from '@acs/platform';
import { DuplicateTaskError, InvalidQueryError, type Page, type Paged, type TaskListFilter, type TaskRepository, type TaskResultRepository } from './ports';

/** Statuses a task can still leave. */
export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = ['pending', 'dispatched'];

/** Tasks one expire() call handles; the next tick takes the rest. */
const DEFAULT_EXPIRE_BATCH = 1_000;

/**
 * Tasks over a DocumentCollection. Stored as the task itself with `_id` = id, plus:
 * - `dueAt` (pending tasks only): notBefore, or createdAt when there is none, so "due" is one range on one index
 *   instead of an `$or` over a missing field;
 * - `resultJson`: the device's answer as JSON text. A result is arbitrary (GetParameterValues answers are keyed by
 *   dotted parameter paths), and nedb refuses dots in keys and MongoDB `$`-prefixed ones. Only small results are
 *   here (INLINE_RESULT_MAX_BYTES); larger ones are in `results`, deleted with the task.
 */
export class StoredTaskRepository implements TaskRepository {
  constructor(
    private readonly tasks: DocumentCollection,
    private readonly results: Pick<TaskResultRepository, 'delete'>,
  ) {}

  async create(task: Task): Promise<void> {
    try {
      await this.tasks.insertOne(toStoredTask(task));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new DuplicateTaskError(task.id);
      throw error;
    }
  }

  async get(id: string): Promise<Task | null> {
    const doc = await this.tasks.findOne({ _id: id });
    return doc ? fromStoredTask(doc) : null;
  }

  async update(task: Task): Promise<boolean> {
    return this.tasks.replaceOne({ _id: task.id, revision: task.revision - 1 }, toStoredTask(task));
  }

  async list(filter: TaskListFilter, page: Page): Promise<Paged<Task>> {
    checkPage(page);
    const query: DocumentFilter = {};
    if (filter.deviceId !== undefined) query.deviceId = filter.deviceId;
    if (filter.status !== undefined) query.status = { $in: [...filter.status] };
    if (filter.source !== undefined) query.source = filter.source;
    const [total, docs] = await Promise.all([
      this.tasks.count(query),
      page.limit === 0
        ? Promise.resolve([])
        : this.tasks.find(query, { sort: [['createdAt', -1], ['_id', -1]], skip: page.skip, limit: page.limit }),
    ]);
    return { items: docs.map(fromStoredTask), total };
  }

  async due(now: number, limit: number): Promise<Task[]> {
    if (limit <= 0) return [];
    const docs = await this.tasks.find({ status: 'pending', dueAt: { $lte: now } }, { sort: [['dueAt', 1], ['_id', 1]], limit });
    return docs.map(fromStoredTask);
  }

  async activeForDevice(deviceId: string): Promise<Task[]> {
    const docs = await this.tasks.find({ deviceId, status: { $in: [...ACTIVE_TASK_STATUSES] } }, { sort: [['createdAt', 1], ['_id', 1]] });
    return docs.map(fromStoredTask);
  }

  async expire(now: number, limit = DEFAULT_EXPIRE_BATCH): Promise<Task[]> {
    const docs = await this.tasks.find({ status: { $in: [...ACTIVE_TASK_STATUSES] }, expiresAt: { $lte: now } }, { sort: [['expiresAt', 1], ['_id', 1]], limit });
    const expired: Task[] = [];
    for (const task of docs.map(fromStoredTask)) {
      const next: Task = {
        ...task,
        status: 'expired',
        updatedAt: now,
        completedAt: now,
        revision: task.revision + 1,
        fault: { code: 'expired', message: `not done by ${new Date(task.expiresAt ?? now).toISOString()}`, transient: false },
      };
      // Losing the compare-and-set means another writer moved the task on (done, dispatched again): leave it.
      if (await this.update(next)) expired.push(next);
    }
    return expired;
  }

  async delete(id: string): Promise<boolean> {
    // The result first: a result left without its task would never be found again.
    await this.results.delete(id);
    return this.tasks.deleteOne({ _id: id });
  }
}

function checkPage(page: Page): void {
  if (!Number.isInteger(page.skip) || page.skip < 0) throw new InvalidQueryError(`skip must be a non-negative integer, got ${page.skip}`);
  if (!Number.isInteger(page.limit) || page.limit < 0) throw new InvalidQueryError(`limit must be a non-negative integer, got ${page.limit}`);
}

export function toStoredTask(task: Task): StoredDocument {
  const { id, result, ...rest } = task;
  const stored: Record<string, unknown> = { _id: id, ...withoutUndefined(rest) };
  if (result !== undefined) stored.resultJson = JSON.stringify(result);
  // A task still waiting for its Inform event has no due time: the tick must not start it (TaskLifecycle.createAwaiting).
  if (task.status === 'pending' && !awaitsEvent(task)) stored.dueAt = task.notBefore ?? task.createdAt;
  return stored as StoredDocument;
}

function awaitsEvent(task: Task): boolean {
  return task.awaitEventCode !== undefined && task.attempts === 0;
}

export function fromStoredTask(doc: StoredDocument): Task {
  const { _id, resultJson, dueAt: _dueAt, ...rest } = doc;
  const task = { id: _id, ...rest } as unknown as Task;
  if (typeof resultJson === 'string') task.result = JSON.parse(resultJson) as unknown;
  return task;
}
