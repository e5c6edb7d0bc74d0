import { dirname, join } from 'node:path';

import {
  Client,
  credentials,
  InterceptingCall,
  loadPackageDefinition,
  Metadata,
  type ClientDuplexStream,
  type ClientReadableStream,
  type GrpcObject,
  type Interceptor,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { acsV1 } from '@acs/contracts';
import { HealthClient, ServingStatus, type UnaryMethod } from '@acs/platform';

/** What a test needs of a method definition ts-proto generates (`acsV1.TaskServiceService.createTask`…). */
export interface RpcMethod<Req, Res> {
  path: string;
  responseStream: boolean;
  /** Client streaming (an upload): `first()` sends the request as the stream's one message. */
  requestStream?: boolean;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(value: Buffer): Res;
}

export interface CallOptions {
  /** Sent as `authorization: Bearer <token>`; none = an anonymous call. */
  token?: string;
  /** Raw `authorization` header, for malformed-credential cases. Wins over `token`. */
  authorization?: string;
  /** Default 10 s for unary calls; streams get none unless given. */
  deadlineMs?: number;
}

/** Every service definition of acs.v1 (`acsV1.*ServiceService`), by its short name (`TaskService`). */
export function acsV1ServiceDefinitions(): Map<string, Record<string, RpcMethod<unknown, unknown>>> {
  const services = new Map<string, Record<string, RpcMethod<unknown, unknown>>>();
  for (const [name, value] of Object.entries(acsV1)) {
    if (name.endsWith('ServiceService') && typeof value === 'object' && value !== null) {
      services.set(name.slice(0, -'Service'.length), value as Record<string, RpcMethod<unknown, unknown>>);
    }
  }
  return services;
}


/**
 * One plaintext channel to the public API, calling any method by its generated definition. The table-driven cases
 * go through here so that a unary and a streaming method are called the same way; `clients()` gives the generated,
 * typed clients for the success cases.
 */
export class NbiChannel {
  private readonly raw: Client;
  private readonly generated: Client[] = [];

  constructor(readonly address: string) {
    this.raw = new Client(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  }

  /** A unary call; rejects with the ServiceError. */
  unary<Req, Res>(method: RpcMethod<Req, Res>, request: Req, options: CallOptions = {}): Promise<Res> {
    if (method.responseStream || method.requestStream) throw new Error(`${method.path} is a streaming method: use stream() or upload()`);
    return new Promise((resolve, reject) => {
      this.raw.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadataOf(options),
        { deadline: Date.now() + (options.deadlineMs ?? 10_000) },
        (error, response) => (error ? reject(error) : resolve(response as Res)),
      );
    });
  }

  /** A client-streaming call sending `requests` in order, then ending the stream; rejects with the ServiceError. */
  upload<Req, Res>(method: RpcMethod<Req, Res>, requests: readonly Req[], options: CallOptions = {}): Promise<Res> {
    return new Promise((resolve, reject) => {
      const call = this.raw.makeClientStreamRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        metadataOf(options),
        { deadline: Date.now() + (options.deadlineMs ?? 10_000) },
        (error, response) => (error ? reject(error) : resolve(response as Res)),
      );
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  /** A server-streaming call, left to the caller to read and cancel. */
  stream<Req, Res>(method: RpcMethod<Req, Res>, request: Req, options: CallOptions = {}): ClientReadableStream<Res> {
    return this.raw.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadataOf(options),
      options.deadlineMs !== undefined ? { deadline: Date.now() + options.deadlineMs } : {},
    );
  }

  /**
   * Calls any kind of method and settles on its first outcome: a unary answer, a stream's first message (the
   * stream is then cancelled), an upload's answer to its one message, or the error. For the matrix cases, which only look at whether and how a call fails.
   */
  first<Req, Res>(method: RpcMethod<Req, Res>, request: Req, options: CallOptions = {}): Promise<Res> {
    if (method.requestStream) return this.upload(method, [request], options);
    if (!method.responseStream) return this.unary(method, request, options);
    return new Promise((resolve, reject) => {
      const call = this.stream(method, request, { deadlineMs: 10_000, ...options });
      call.once('data', (message: Res) => {
        resolve(message);
        call.cancel();
      });
      call.on('error', (error: ServiceError) => reject(error));
      call.on('end', () => reject(new Error(`${method.path} ended without a message`)));
    });
  }

  /** The generated clients of every acs.v1 service, sending `token` on every call. */
  clients(token: string): AcsV1Clients {
    const bearer: Interceptor = (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start(metadata, listener, next) {
          metadata.set('authorization', `Bearer ${token}`);
          next(metadata, listener);
        },
      });
    const make = <C extends Client>(Constructor: new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options: object) => C): C => {
      const client = new Constructor(this.address, credentials.createInsecure(), { interceptors: [bearer] });
      this.generated.push(client);
      return client;
    };
    return {
      devices: make(acsV1.DeviceServiceClient),
      tasks: make(acsV1.TaskServiceClient),
      presets: make(acsV1.PresetServiceClient),
      faults: make(acsV1.FaultServiceClient),
      events: make(acsV1.EventServiceClient),
      audit: make(acsV1.AuditServiceClient),
      files: make(acsV1.FileServiceClient),
      campaigns: make(acsV1.CampaignServiceClient),
      groups: make(acsV1.GroupServiceClient),
      jobs: make(acsV1.JobServiceClient),
      diagnostics: make(acsV1.DiagnosticsServiceClient),
    };
  }

  close(): void {
    this.raw.close();
    for (const client of this.generated) client.close();
  }
}

export interface AcsV1Clients {
  devices: acsV1.DeviceServiceClient;
  tasks: acsV1.TaskServiceClient;
  presets: acsV1.PresetServiceClient;
  faults: acsV1.FaultServiceClient;
  events: acsV1.EventServiceClient;
  audit: acsV1.AuditServiceClient;
  files: acsV1.FileServiceClient;
  campaigns: acsV1.CampaignServiceClient;
  groups: acsV1.GroupServiceClient;
  jobs: acsV1.JobServiceClient;
  diagnostics: acsV1.DiagnosticsServiceClient;
}

/**
 * A generated client's unary method as a promise, with a deadline: `call(c.tasks.getTask.bind(c.tasks), req)`.
 * (A bound overloaded method keeps its last overload, the one taking metadata, options and a callback.)
 */
export function call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, deadlineMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/**
 * Reads a stream until `done` says a message is the last one wanted (then cancels it), the server ends it, or
 * `timeoutMs` passes (then rejects, with what came so far).
 */
export function collect<T>(stream: ClientReadableStream<T>, done: (message: T, all: T[]) => boolean, timeoutMs: number): Promise<T[]> {
  const received: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.cancel();
      reject(new Error(`stream not complete within ${timeoutMs} ms; received ${JSON.stringify(received).slice(0, 2000)}`));
    }, timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(received);
    };
    stream.on('data', (message: T) => {
      received.push(message);
      if (done(message, received)) {
        stream.cancel();
        finish();
      }
    });
    stream.on('error', (error: ServiceError) => {
      // Our own cancel after the last wanted message ends the stream with CANCELLED; that is not a failure.
      if (received.length > 0 && done(received[received.length - 1], received)) return;
      finish(error);
    });
    stream.on('end', () => finish());
  });
}

/** grpc.health.v1 Check, without credentials; the status name, or the error's code name when the call fails. */
export function healthStatus(address: string, service: string, deadlineMs = 2000): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure());
  return new Promise<string>((resolve) => {
    client.check({ service }, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) => {
      client.close();
      if (error) resolve(`error:${error.code}`);
      else resolve(ServingStatus[response.status] ?? String(response.status));
    });
  });
}

/** What a FileDescriptorProto says about itself: file name, package and the services it defines. */
export interface FileDescriptorSummary {
  name: string;
  package: string;
  services: string[];
}

interface ReflectionResponse {
  listServicesResponse?: { service: Array<{ name: string }> };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

type ReflectionStub = Client & { serverReflectionInfo(metadata?: Metadata): ClientDuplexStream<object, ReflectionResponse> };

/**
 * The client side of grpc.reflection.v1 as grpcurl speaks it (`grpcurl list`, `grpcurl describe`), from the proto
 * @grpc/reflection ships. No credentials: reflection is open, like health.
 */
export class ReflectionClient {
  private readonly stub: ReflectionStub;

  constructor(address: string) {
    const protoPath = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
    const loaded = loadPackageDefinition(loadSync(protoPath, { keepCase: false, longs: Number, defaults: true, oneofs: true }));
    const v1 = ((loaded.grpc as GrpcObject).reflection as GrpcObject).v1 as GrpcObject;
    const Stub = v1.ServerReflection as ServiceClientConstructor;
    this.stub = new Stub(address, credentials.createInsecure()) as unknown as ReflectionStub;
  }

  async listServices(): Promise<string[]> {
    const response = await this.ask({ listServices: '' });
    if (!response.listServicesResponse) throw new Error(`no service list in ${JSON.stringify(response)}`);
    return response.listServicesResponse.service.map((service) => service.name);
  }

  async fileContainingSymbol(symbol: string): Promise<FileDescriptorSummary[]> {
    const response = await this.ask({ fileContainingSymbol: symbol });
    if (!response.fileDescriptorResponse) throw new Error(`no file descriptor for ${symbol}: ${JSON.stringify(response)}`);
    return response.fileDescriptorResponse.fileDescriptorProto.map(summarizeFileDescriptor);
  }

  close(): void {
    this.stub.close();
  }

  private ask(request: object): Promise<ReflectionResponse> {
    return new Promise((resolve, reject) => {
      const stream = this.stub.serverReflectionInfo();
      const timer = setTimeout(() => {
        stream.cancel();
        reject(new Error('no reflection answer within 5 s'));
      }, 5000);
      stream.once('data', (response: ReflectionResponse) => {
        clearTimeout(timer);
        resolve(response);
        stream.end();
      });
      stream.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
      stream.write(request);
    });
  }
}

/** FileDescriptorProto fields 1 (name), 2 (package) and 6 (service, whose field 1 is its name), read off the wire. */
export function summarizeFileDescriptor(bytes: Uint8Array): FileDescriptorSummary {
  const reader = new BinaryReader(bytes);
  const summary: FileDescriptorSummary = { name: '', package: '', services: [] };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) summary.name = reader.string();
    else if (field === 2) summary.package = reader.string();
    else if (field === 6) summary.services.push(serviceName(reader.bytes()));
    else reader.skip(wireType);
  }
  return summary;
}

function serviceName(bytes: Uint8Array): string {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) return reader.string();
    reader.skip(wireType);
  }
  return '';
}

function metadataOf(options: CallOptions): Metadata {
  const metadata = new Metadata();
  if (options.authorization !== undefined) metadata.set('authorization', options.authorization);
  else if (options.token !== undefined) metadata.set('authorization', `Bearer ${options.token}`);
  return metadata;
}

/** Polls `probe` until it returns a value `accept` likes, or fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await probe();
  }
  return last;
}
