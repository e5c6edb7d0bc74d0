import { randomUUID } from 'node:crypto';
import { CwmpCommandType, CwmpEventType, type ConnectionRequestCommand, type ConnectionRequestEventData } from '@acs/contracts';
import { Topics, type BusMessage, type EventBus, type Logger, type Subscription } from '@acs/platform';
import type { Counter } from 'prom-client';
import type { ConnectionRequestOutcome, ConnectionRequester } from '../connection-request';

/**
 * The gateway pool's share of `cwmp.commands`: whichever pod gets a connection-request command wakes the device
 * and publishes the outcome on `cwmp.events`, where provisioning reads it (a device that cannot be woken fails the
 * tasks that asked, with the reason).
 */
export class ConnectionRequestConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly bus: EventBus,
    private readonly requester: Pick<ConnectionRequester, 'request'>,
    private readonly outcomes: Counter<'result'>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.cwmpCommands, { group: 'cwmp-gateway-commands', fromBeginning: true }, (m) => this.handle(m));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
  }

  async handle(message: BusMessage): Promise<void> {
    if (message.type !== CwmpCommandType.connectionRequest) return;
    const command = message.data as ConnectionRequestCommand;
    const outcome: ConnectionRequestOutcome = await this.requester.request({
      deviceId: command.deviceId,
      url: command.url,
      udpAddress: command.udpAddress,
      username: command.username,
      password: command.password,
    });
    this.outcomes.labels(outcome.result).inc();
    this.logger.info({ deviceId: command.deviceId, result: outcome.result, via: outcome.via, durationMs: outcome.durationMs }, 'connection request');
    const data: ConnectionRequestEventData = {
      deviceId: command.deviceId,
      taskIds: command.taskIds,
      result: outcome.result,
      via: outcome.via,
      status: outcome.status,
      durationMs: outcome.durationMs,
      message: outcome.message,
    };
    await this.bus.publish([
      { id: randomUUID(), topic: Topics.cwmpEvents, key: command.deviceId, type: CwmpEventType.connectionRequest, time: new Date().toISOString(), data },
    ]);
  }
}
