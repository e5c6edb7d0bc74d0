import { CwmpEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';
import type { ApplyInform } from '../usecases/apply-inform.usecase';
import type { RecordRpcResult } from '../usecases/record-rpc-result.usecase';

/**
 * Provisioning's reading of `cwmp.events`, in one consumer group: every provisioning pod shares the partitions, and
 * one device's events (one key) go to one pod in order. Transport only: each event goes to its use case. A use case
 * that throws (the database is down) makes the bus redeliver with back-off; nothing is committed past it.
 */
export class ProvisioningConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly bus: EventBus,
    private readonly applyInform: ApplyInform,
    private readonly recordRpcResult: RecordRpcResult,
    private readonly logger: Logger,
    private readonly group = 'provisioning',
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.cwmpEvents, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, CwmpEventType.inform)) return this.applyInform.execute(message.data);
    if (isEvent(message, CwmpEventType.rpcResult)) return this.recordRpcResult.answer(message.data);
    if (isEvent(message, CwmpEventType.rpcFault)) return this.recordRpcResult.fault(message.data);
    if (isEvent(message, CwmpEventType.cpeRequest)) return this.recordRpcResult.cpeRequest(message.data);
    if (isEvent(message, CwmpEventType.connectionRequest)) return this.recordRpcResult.connectionRequest(message.data);
    if (isEvent(message, CwmpEventType.sessionClosed)) return;
    this.logger.debug({ type: message.type }, 'event type provisioning does not handle');
  }
}
