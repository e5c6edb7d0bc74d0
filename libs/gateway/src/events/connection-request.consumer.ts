import { CwmpCommandType, CwmpEventType, isEvent, newEvent, Topics, type ConnectionRequestCommand, type ConnectionRequestEventData } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';
import type { Counter } from 'prom-client';
import type { ConnectionRequestOutcome, ConnectionRequester } from '../connection-request';

/**
 * The gateway pool's share of `cwmp.commands`: whichever pod gets a connection-request command wakes the device
 * and publishes the outcome on `cwmp.events`, where provisioning reads it (a device that cannot be woken fails the
 * tasks that asked, with the reason).
 *
 * Up to `concurrency` requests are under way at once, whatever partition their commands came from: a command is
 * taken off the bus once its request has started, not once the CPE answered (ADR 33). Waiting for each answer in
 * turn held a partition for two HTTP round trips per device, so a mass operation woke at most partitions ÷ round
 * trip devices a second. A pod that stops abruptly loses the outcomes of the requests under way, as it loses a
 * deferred request: their work runs at the devices' next Inform (or the tasks expire).
 */
export class ConnectionRequestConsumer {
  private subscription?: Subscription;

  private readonly deferred = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bus: EventBus,
    private readonly requester: Pick<ConnectionRequester, 'request'>,
    private readonly outcomes: Counter<'result'>,
    private readonly logger: Logger,
    /** A rate-limited request is tried again once after this long: the work it is for still waits. */
    private readonly deferMs = 5000,
    /** Requests under way at once (ACS_CONNECTION_REQUEST_CONCURRENCY). */
    private readonly concurrency = 256,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(Topics.cwmpCommands, { group: 'cwmp-gateway-commands', fromBeginning: true }, (m) => this.handle(m));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    // The requests under way finish and their outcomes are published (each is bounded by the request timeout).
    await Promise.all(this.inFlight);
    for (const timer of this.deferred) clearTimeout(timer);
    this.deferred.clear();
  }

  /** Resolves once the request has started: when `concurrency` are under way, once one of them has ended. */
  async handle(message: BusMessage): Promise<void> {
    if (!isEvent(message, CwmpCommandType.connectionRequest)) return;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const command = message.data;
    const sending: Promise<void> = this.send(command, true)
      .catch((error: unknown) => this.logger.warn({ deviceId: command.deviceId, err: error }, 'connection request outcome not published'))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  /** Resolves when no request is under way (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async send(command: ConnectionRequestCommand, mayDefer: boolean): Promise<void> {
    const outcome: ConnectionRequestOutcome = await this.requester.request({
      deviceId: command.deviceId,
      url: command.url,
      udpAddress: command.udpAddress,
      username: command.username,
      password: command.password,
    });
    this.outcomes.labels(outcome.result).inc();
    if (outcome.result === 'rate-limited' && mayDefer) {
      // The device was woken moments ago (or many are being woken at once): wake it again once the window has
      // passed rather than leave the new work waiting for its next periodic Inform. Per pod, in memory: a restart
      // loses the deferral, and the work then runs at the next Inform.
      const timer = setTimeout(() => {
        this.deferred.delete(timer);
        this.send(command, false).catch((error: unknown) => this.logger.warn({ deviceId: command.deviceId, err: error }, 'deferred connection request failed'));
      }, this.deferMs);
      timer.unref();
      this.deferred.add(timer);
      return;
    }
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
    await this.bus.publish([newEvent(CwmpEventType.connectionRequest, command.deviceId, data)]);
  }
}
