import type { DeviceQueue, Logger } from '@acs/platform';

import type { Task } from '../domain/task';
import type { TaskRepository } from '../repositories/ports';
import type { TaskLifecycle } from '../tasks/task-lifecycle';

export interface ReconcileReport {
  /** Dispatched tasks looked at. */
  checked: number;
  /** Put back to pending, to be dispatched again as a new attempt. */
  redispatched: number;
  /** Out of attempts: faulted with `work-lost`. */
  faulted: number;
}

/**
 * Run once when provisioning starts in a process whose event bus lives in memory (the standalone), before any CWMP
 * session or event is served. The device queue survives the process, but an RPC result on its way from the gateway
 * to provisioning does not: the gateway acknowledges an item once its result is published, and a `kill -9` before
 * provisioning consumed that result leaves the task DISPATCHED, waiting for an answer that no longer exists, until
 * it expires days later. A dispatched task with a work item that is no longer queued is such a task (an item that
 * ran and was answered is dropped from the task's list when the answer is recorded); TaskLifecycle.redispatchLostWork
 * ends its attempt and has it dispatched again.
 *
 * A dispatched task with no work items is left alone: it waits for a TransferComplete, which the device reports in a
 * session of its own. Not for a distributed deployment: there results wait on Kafka and other pods run sessions.
 */
/** Lost tasks ended at once. */
const PARALLEL_REDISPATCHES = 64;

export class ReconcileDispatchedTasks {
  constructor(
    private readonly deps: {
      tasks: TaskRepository;
      queue: DeviceQueue;
      lifecycle: TaskLifecycle;
      logger: Logger;
      /** Tasks read per listing. */
      pageSize?: number;
    },
  ) {}

  async execute(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, redispatched: 0, faulted: 0 };
    const queued = new Map<string, Set<string>>();
    const limit = this.deps.pageSize ?? 5000;
    // Page by page, newest first. A task this run moves on leaves the `dispatched` listing and the later tasks move up
    // by one, so the next page starts that many places earlier; nothing else writes tasks before the start is over.
    for (let skip = 0; ; ) {
      const page = await this.deps.tasks.list({ status: ['dispatched'] }, { skip, limit });
      const lost: Task[] = [];
      for (const task of page.items) if (await this.lostWork(task, queued)) lost.push(task);
      // Several at once, so their writes share the store's group commits; each task is written on its own.
      for (let i = 0; i < lost.length; i += PARALLEL_REDISPATCHES) {
        for (const after of await Promise.all(lost.slice(i, i + PARALLEL_REDISPATCHES).map((task) => this.endAttempt(task)))) {
          if (after.status === 'faulted') report.faulted += 1;
          else report.redispatched += 1;
        }
      }
      report.checked += page.items.length;
      if (page.items.length < limit) return report;
      skip += page.items.length - lost.length;
    }
  }

  /** Whether some of the task's work is gone from the device queue (so its answer can never come). */
  private async lostWork(task: Task, queued: Map<string, Set<string>>): Promise<boolean> {
    if (task.workItemIds.length === 0) return false;
    let ids = queued.get(task.deviceId);
    if (!ids) {
      ids = new Set((await this.deps.queue.list(task.deviceId)).map((item) => item.id));
      queued.set(task.deviceId, ids);
    }
    // One missing item is enough: the task would wait for its answer forever, even with the others still queued.
    return !task.workItemIds.every((id) => ids.has(id));
  }

  private async endAttempt(task: Task): Promise<Task> {
    const after = await this.deps.lifecycle.redispatchLostWork(task);
    this.deps.logger.warn(
      { deviceId: task.deviceId, taskId: task.id, attempts: task.attempts, status: after.status },
      after.status === 'faulted' ? 'task lost its work in a stop of the ACS and has no attempts left: faulted' : 'task lost its work in a stop of the ACS: dispatched again',
    );
    return after;
  }
}
