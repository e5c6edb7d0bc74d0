import { AcsTaskEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';

import { runIdOfTaskSource } from '../domain/diagnostic-run';
import type { FollowRunTask } from '../usecases/follow-run-task.usecase';

/** The task events that move a run (dispatched and retrying change nothing: a run's tasks are tried once). */
const TASK_EVENTS = [AcsTaskEventType.done, AcsTaskEventType.faulted, AcsTaskEventType.expired, AcsTaskEventType.cancelled] as const;

/**
 * The runs' reading of `acs.task` (consumer group `diagnostics`; the diagnostics pods share the partitions): the
 * events of tasks whose source is a run's (`diagnostics:run:<runId>`) go to FollowRunTask, every other task is passed
 * over. A use case that throws (the store or provisioning is down) makes the bus redeliver with back-off.
 */
export class RunTaskEventsConsumer {
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly follow: Pick<FollowRunTask, 'onTask'>,
    private readonly logger: Logger,
    private readonly group = 'diagnostics',
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.acsTask, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
    this.logger.info({ lifecycle: 'consuming', topics: [Topics.acsTask] }, 'diagnostic runs follow task events');
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, TASK_EVENTS) && runIdOfTaskSource(message.data.source) !== null) await this.follow.onTask(message.data);
  }
}
