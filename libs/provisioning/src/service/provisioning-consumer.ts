import { answerProcessedMark, CwmpEventType, isEvent, Topics } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, SessionStore, Subscription } from '@acs/platform';
import type { InformHandler } from '../inform/inform-handler';
import type { TaskManager } from '../tasks/task-manager';

/**
 * Provisioning's reading of `cwmp.events`, in one consumer group: every provisioning pod shares the partitions, and
 * one device's events (one key) go to one pod in order. A handler that throws (the database is down) makes the bus
 * redeliver with back-off; nothing is committed past it.
 */
export class ProvisioningConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly bus: EventBus,
    private readonly informs: InformHandler,
    private readonly tasks: TaskManager,
    private readonly sessions: SessionStore,
    private readonly logger: Logger,
    private readonly markTtlMs = 60_000,
    private readonly group = 'provisioning',
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.cwmpEvents, { group: this.group, fromBeginning: true }, (message) => this.handle(message));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
  }

  async handle(message: BusMessage): Promise<void> {
    if (isEvent(message, CwmpEventType.inform)) return this.informs.handle(message.data);
    if (isEvent(message, CwmpEventType.rpcResult)) {
      await this.tasks.onRpcResult(message.data);
      return this.markProcessed(message.data);
    }
    if (isEvent(message, CwmpEventType.rpcFault)) {
      await this.tasks.onRpcFault(message.data);
      return this.markProcessed(message.data);
    }
    if (isEvent(message, CwmpEventType.cpeRequest)) {
      const { deviceId, request } = message.data;
      if (request.kind === 'TransferComplete') await this.tasks.onTransferComplete(deviceId, request);
      return;
    }
    if (isEvent(message, CwmpEventType.connectionRequest)) return this.tasks.onConnectionRequest(message.data);
    if (isEvent(message, CwmpEventType.sessionClosed)) return;
    this.logger.debug({ type: message.type }, 'event type provisioning does not handle');
  }

  /** Tells a gateway waiting at the end of the session that this answer's consequences are queued. */
  private async markProcessed(data: { deviceId: string; sessionId: string; itemId: string; taskId?: string }): Promise<void> {
    if (data.taskId) await this.sessions.markPlanned(data.deviceId, answerProcessedMark(data.sessionId, data.itemId), this.markTtlMs);
  }
}
