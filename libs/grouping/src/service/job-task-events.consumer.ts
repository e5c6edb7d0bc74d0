import { AcsTaskEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';

import { jobIdOfTaskSource } from '../domain/job';
import type { RecordJobOutcome } from '../usecases/record-job-outcome.usecase';

/** Task events that move a job's device (acs.task.retrying changes nothing: the jobs' tasks have one attempt). */
const TASK_EVENTS = [AcsTaskEventType.dispatched, AcsTaskEventType.done, AcsTaskEventType.faulted, AcsTaskEventType.expired, AcsTaskEventType.cancelled] as const;

/**
 * The jobs' reading of `acs.task` (consumer group `grouping.jobs`; the grouping pods share the partitions): the events
 * of tasks whose source is a job's (`job:<jobId>`) go to RecordJobOutcome, every other task is passed over. A use case
 * that throws (the store is down) makes the bus redeliver with back-off; a redelivered outcome is one the engine
 * already applied and ignores.
 */
export class JobTaskEventsConsumer {
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly outcomes: RecordJobOutcome,
    private readonly logger: Logger,
    private readonly group = 'grouping.jobs',
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.acsTask, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
    this.logger.info({ lifecycle: 'consuming', topics: [Topics.acsTask] }, 'grouping jobs follow task events');
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, TASK_EVENTS) && jobIdOfTaskSource(message.data.source) !== null) await this.outcomes.onTask(message.data);
  }
}
