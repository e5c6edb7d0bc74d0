import { AcsTaskEventType, newEvent, type AcsTaskEventData } from '@acs/contracts';
import type { EventBus } from '@acs/platform';

import type { Task } from '../domain/task';
import { inlineResultOf, taskOutcomeSummary } from '../domain/task-result';

/** A task's identity and state as published on `acs.task` (the public contract, libs/contracts). */
export type TaskEventData = AcsTaskEventData;

/** Publishes each step of a task's lifecycle on `acs.task`, keyed by device so one device's events stay in order. */
export class TaskEventPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(task: Task, what: keyof typeof AcsTaskEventType): Promise<void> {
    const data: TaskEventData = {
      taskId: task.id,
      deviceId: task.deviceId,
      kind: task.spec.kind,
      status: task.status,
      source: task.source,
      attempts: task.attempts,
      fault: task.fault,
      // A large result stays out of the event (it would outgrow a Kafka record): the summary says where it is.
      result: task.status === 'done' ? inlineResultOf(task) : undefined,
      resultSummary: taskOutcomeSummary(task),
    };
    await this.bus.publish([newEvent(AcsTaskEventType[what], task.deviceId, data, { now: this.now() })]);
  }
}
