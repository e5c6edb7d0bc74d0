import { AcsDeviceEventType, AcsTaskEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';

import type { RecordUpgradeOutcome } from '../usecases/record-upgrade-outcome.usecase';

/** Download task events that move an upgrade (acs.task.retrying changes nothing: the task goes on). */
const TASK_EVENTS = [AcsTaskEventType.dispatched, AcsTaskEventType.done, AcsTaskEventType.faulted, AcsTaskEventType.expired, AcsTaskEventType.cancelled] as const;
/** Device events that report the version a device runs. */
const DEVICE_EVENTS = [AcsDeviceEventType.booted, AcsDeviceEventType.bootstrapped, AcsDeviceEventType.registered, AcsDeviceEventType.parametersChanged] as const;

/**
 * The campaigns' reading of `acs.task` and `acs.device`, one consumer group per topic (a group follows one topic):
 * every firmware pod shares the partitions; each event goes to RecordUpgradeOutcome. A use case that throws (the
 * store is down) makes the bus redeliver with back-off; a redelivered outcome is one the engine already applied and
 * ignores.
 */
export class CampaignEventsConsumer {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly outcomes: RecordUpgradeOutcome,
    private readonly logger: Logger,
    private readonly groupPrefix = 'firmware',
  ) {}

  async start(): Promise<void> {
    this.subscriptions.push(await this.bus.subscribe(Topics.acsTask, { group: `${this.groupPrefix}.tasks`, fromBeginning: true }, (message) => this.handle(message)));
    this.subscriptions.push(await this.bus.subscribe(Topics.acsDevice, { group: `${this.groupPrefix}.devices`, fromBeginning: true }, (message) => this.handle(message)));
    this.logger.info({ lifecycle: 'consuming', topics: [Topics.acsTask, Topics.acsDevice] }, 'firmware campaigns follow task and device events');
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((subscription) => subscription.close()));
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, TASK_EVENTS)) return this.outcomes.onTask(message.data);
    if (isEvent(message, DEVICE_EVENTS)) return this.outcomes.onDevice(message.data);
  }
}
