import { AcsTaskEventType, CwmpEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';

import type { CollectionTaskOutcomes } from './collection-task-outcomes';
import { profileIdOfTaskSource } from './collection-entry';
import type { InformSamples } from './inform-samples';

/** Consumer groups of the collection: a group follows one topic, and `diagnostics` already follows acs.task (the runs). */
export const MONITORING_INFORMS_GROUP = 'diagnostics.monitoring.informs';
export const MONITORING_TASKS_GROUP = 'diagnostics.monitoring.tasks';

const TASK_EVENTS = [AcsTaskEventType.done, AcsTaskEventType.faulted, AcsTaskEventType.expired, AcsTaskEventType.cancelled] as const;

/** The time of a message's fact (epoch ms), or now when it has none readable. */
function timeOf(message: BusMessage, now: () => number): number {
  const at = Date.parse(message.time);
  return Number.isSafeInteger(at) && at > 0 ? at : now();
}

/**
 * `cwmp.events` Informs for InformSamples (the diagnostics pods share the partitions). Each handler waits for its
 * samples to be stored (they go in batches across devices: SampleBatcher), so a failure is redelivered.
 */
export class MonitoringInformConsumer {
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly informs: Pick<InformSamples, 'onInform'>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly group = MONITORING_INFORMS_GROUP,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.cwmpEvents, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
    this.logger.info({ lifecycle: 'consuming', topics: [Topics.cwmpEvents] }, 'monitoring samples the values Informs carry');
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, CwmpEventType.inform)) await this.informs.onInform(message.data, timeOf(message, this.now));
  }
}

/** `acs.task` events of the collection's tasks (`diagnostics:monitoring:<profileId>`) for CollectionTaskOutcomes. */
export class MonitoringTaskConsumer {
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly outcomes: Pick<CollectionTaskOutcomes, 'onTask'>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly group = MONITORING_TASKS_GROUP,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.acsTask, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
    this.logger.info({ lifecycle: 'consuming', topics: [Topics.acsTask] }, 'monitoring follows its read and BulkData tasks');
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, TASK_EVENTS) && profileIdOfTaskSource(message.data.source) !== null) await this.outcomes.onTask(message.data, timeOf(message, this.now));
  }
}
