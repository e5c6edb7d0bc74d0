import { Metadata, type CallOptions, type ClientReadableStream, type ClientUnaryCall, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import type { ConnectionSettings } from './connection-settings';

type UnaryInvoker<Res> = (metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;
type StreamInvoker<Res> = (metadata: Metadata, options: Partial<CallOptions>) => ClientReadableStream<Res>;
type UploadInvoker<Req, Res> = (metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientWritableStream<Req>;

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
  readonly files: acsV1.FileServiceClient;
  readonly campaigns: acsV1.CampaignServiceClient;
  readonly jobs: acsV1.JobServiceClient;
  readonly groups: acsV1.GroupServiceClient;
  /** Threshold rules and alarms (and, later, monitoring profiles and samples): the diagnostics service. */
  readonly monitoring: acsV1.MonitoringServiceClient;
  readonly diagnostics: acsV1.DiagnosticsServiceClient;

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
    this.files = new acsV1.FileServiceClient(settings.server, settings.credentials, options);
    this.campaigns = new acsV1.CampaignServiceClient(settings.server, settings.credentials, options);
    this.jobs = new acsV1.JobServiceClient(settings.server, settings.credentials, options);
    this.groups = new acsV1.GroupServiceClient(settings.server, settings.credentials, options);
    this.monitoring = new acsV1.MonitoringServiceClient(settings.server, settings.credentials, options);
    this.diagnostics = new acsV1.DiagnosticsServiceClient(settings.server, settings.credentials, options);
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
      // A call made after Ctrl-C (a wait polling between sleeps) is cancelled too: 'abort' does not fire again.
      if (this.signal?.aborted) cancel();
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

  /**
   * A client stream (an upload): writes `requests` no faster than the channel takes them, then resolves with the
   * response. No deadline: an upload lasts as long as its bytes take (Ctrl-C cancels it, and the server keeps nothing).
   * A failure of `requests` (an unreadable file) cancels the call and rejects with that error.
   */
  upload<Req, Res>(invoke: UploadInvoker<Req, Res>, requests: AsyncIterable<Req>): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      let settled = false;
      const settle = (error: unknown, response?: Res): void => {
        if (settled) return;
        settled = true;
        this.signal?.removeEventListener('abort', cancel);
        if (error) reject(error);
        else resolve(response as Res);
      };
      const call = invoke(this.metadata(), {}, (error, response) => settle(error, response));
      const cancel = (): void => call.cancel();
      this.signal?.addEventListener('abort', cancel, { once: true });
      const write = async (): Promise<void> => {
        for await (const request of requests) {
          if (settled) return;
          // Waits for the channel to take what was written: memory stays at a chunk or two whatever the file's size.
          if (!call.write(request)) await drainedOrEnded(call);
        }
        call.end();
      };
      write().catch((error: unknown) => {
        call.cancel();
        settle(error);
      });
    });
  }

  close(): void {
    for (const client of [this.devices, this.tasks, this.presets, this.faults, this.events, this.audit, this.files, this.campaigns, this.groups, this.jobs, this.monitoring, this.diagnostics]) client.close();
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.settings.token !== undefined) metadata.set('authorization', `Bearer ${this.settings.token}`);
    return metadata;
  }
}

/** Resolves when the call can take more, or has ended (the server answered before the upload's end). */
function drainedOrEnded<Req>(call: ClientWritableStream<Req>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('status', done);
      resolve();
    };
    call.on('drain', done);
    call.on('status', done);
  });
}
