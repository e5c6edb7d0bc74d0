import { Metadata, type CallOptions, type ClientReadableStream, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import type { ConnectionSettings } from './connection-settings';

type UnaryInvoker<Res> = (metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;
type StreamInvoker<Res> = (metadata: Metadata, options: Partial<CallOptions>) => ClientReadableStream<Res>;

// A whole device tree of a large CPE can exceed grpc-js's 4 MB default.
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/**
 * The clients of the acs.v1 services on one address, with the token put on every call and Ctrl-C cancelling what is
 * in flight. Calls are written as `connection.unary((md, o, cb) => connection.devices.getDevice(request, md, o, cb))`
 * so the generated clients keep their types.
 */
export class AcsConnection {
  readonly devices: acsV1.DeviceServiceClient;
  readonly tasks: acsV1.TaskServiceClient;
  readonly presets: acsV1.PresetServiceClient;
  readonly faults: acsV1.FaultServiceClient;
  readonly events: acsV1.EventServiceClient;
  readonly audit: acsV1.AuditServiceClient;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly callTimeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    const options = { 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES };
    this.devices = new acsV1.DeviceServiceClient(settings.server, settings.credentials, options);
    this.tasks = new acsV1.TaskServiceClient(settings.server, settings.credentials, options);
    this.presets = new acsV1.PresetServiceClient(settings.server, settings.credentials, options);
    this.faults = new acsV1.FaultServiceClient(settings.server, settings.credentials, options);
    this.events = new acsV1.EventServiceClient(settings.server, settings.credentials, options);
    this.audit = new acsV1.AuditServiceClient(settings.server, settings.credentials, options);
  }

  get server(): string {
    return this.settings.server;
  }

  /** A unary call with the per-call deadline (or `timeoutMs`). Rejects with the grpc-js ServiceError. */
  unary<Res>(invoke: UnaryInvoker<Res>, timeoutMs = this.callTimeoutMs): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const call = invoke(this.metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
        this.signal?.removeEventListener('abort', cancel);
        if (error) reject(error);
        else resolve(response);
      });
      const cancel = (): void => call.cancel();
      this.signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /**
   * A server stream, as an async iterable that ends when the server ends the stream and throws its error otherwise.
   * Without `timeoutMs` the stream has no deadline (it lasts until the server ends it, or Ctrl-C).
   */
  /** `onOpen` runs when the server has accepted the stream (its headers arrived), before any message. */
  async *stream<Res>(invoke: StreamInvoker<Res>, timeoutMs?: number, onOpen?: () => void): AsyncGenerator<Res> {
    const call = invoke(this.metadata(), timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs });
    if (onOpen) call.once('metadata', onOpen);
    const cancel = (): void => call.cancel();
    this.signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of call) yield message as Res;
    } finally {
      this.signal?.removeEventListener('abort', cancel);
      // The consumer may stop early (`--count`): the server should stop sending.
      call.cancel();
    }
  }

  close(): void {
    for (const client of [this.devices, this.tasks, this.presets, this.faults, this.events, this.audit]) client.close();
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.settings.token !== undefined) metadata.set('authorization', `Bearer ${this.settings.token}`);
    return metadata;
  }
}
