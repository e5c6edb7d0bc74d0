import {
  makeGenericClientConstructor,
  Metadata,
  status,
  type ChannelCredentials,
  type Client,
  type ClientReadableStream,
  type ClientWritableStream,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { grpcClient, serviceNameOf, STATUS_DETAILS_TRAILER, UnavailableError, type GrpcClientConstructor, type GrpcServerHost } from '@acs/platform';

/** Deadline of a unary call whose caller set none. */
export const DEFAULT_CALL_MS = 30_000;

/**
 * How a service is reached: over gRPC at an address (between pods), or through its GrpcServerHost in this same
 * process (the standalone), by direct calls behind the same interface. `host` is asked for at the first call, so
 * a client can be made before the module that serves it is wired.
 */
export type ServiceTransport =
  | { address: string; credentials?: ChannelCredentials; maxMessageBytes?: number }
  | { host: () => GrpcServerHost };

export interface CallOptions {
  /** Absolute deadline; default DEFAULT_CALL_MS from now for unary calls, none for streams. */
  deadline?: Date | number;
  /** Request metadata (e.g. REQUESTED_BY_METADATA_KEY when relaying for an API client). */
  metadata?: Metadata;
}

// Read off the method's (de)serializers, which ts-proto types with the message types.
type RequestOf<M> = M extends { requestSerialize: (value: infer Req) => Buffer } ? Req : never;
type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer Res } ? Res : never;

/**
 * The promise-returning client of a ts-proto service definition: each unary method resolves with the response or
 * rejects with `callError` (see there); each server-streaming method returns the grpc-js stream (its errors are
 * raw ServiceErrors: pass them through `callError`); each client-streaming method sends the messages of an async
 * iterable, no faster than the server reads them, and resolves with the response (or rejects with `callError`; a
 * throw of the iterable cancels the call and rejects with that error).
 */
export type ServiceClient<S extends ServiceDefinition> = {
  [K in keyof S]: S[K] extends { responseStream: true }
    ? (request: RequestOf<S[K]>, options?: CallOptions) => ClientReadableStream<ResponseOf<S[K]>>
    : S[K] extends { requestStream: true }
      ? (requests: AsyncIterable<RequestOf<S[K]>>, options?: CallOptions) => Promise<ResponseOf<S[K]>>
      : (request: RequestOf<S[K]>, options?: CallOptions) => Promise<ResponseOf<S[K]>>;
};

/** A grpc-js client of one service, generated surface (callbacks and streams), made on first use. */
export interface Connection<C> {
  readonly client: () => C;
  close(): void;
}

type RawMethod = (request: unknown, metadata: Metadata, options: { deadline?: Date | number }, callback?: (error: ServiceError | null, response: unknown) => void) => unknown;

/**
 * A grpc-js client of `definition` over the transport, with the generated client's surface: what ServiceClient
 * wraps, and what the NBI's relay and health checks call.
 */
export function connect<C = Client>(definition: ServiceDefinition, transport: ServiceTransport): Connection<C> {
  let client: C | undefined;
  return {
    client: () => {
      if (client) return client;
      if ('host' in transport) {
        client = transport.host().inProcessClient<C>(definition);
      } else {
        const Constructor = makeGenericClientConstructor(definition, serviceNameOf(definition)) as unknown as GrpcClientConstructor<Client>;
        client = grpcClient(Constructor, transport.address, {
          ...(transport.credentials ? { credentials: transport.credentials } : {}),
          ...(transport.maxMessageBytes ? { maxReceiveMessageBytes: transport.maxMessageBytes, maxSendMessageBytes: transport.maxMessageBytes } : {}),
        }) as C;
      }
      return client;
    },
    close: () => (client as { close?: () => void } | undefined)?.close?.(),
  };
}

/**
 * The promise-returning client of one service of `dependency` (the name its failures are reported under).
 *
 *   const tasks = serviceClient(acsV1.TaskServiceService, { address: 'provisioning:50051' }, 'provisioning');
 *   const { task } = await tasks.createTask({ deviceId, spec, … });
 */
export function serviceClient<S extends ServiceDefinition>(definition: S, transport: ServiceTransport, dependency: string): ServiceClient<S> & { close(): void } {
  const connection = connect<Record<string, RawMethod>>(definition, transport);
  const client: Record<string, unknown> = { close: () => connection.close() };
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream && method.responseStream) continue; // no service of ours streams both ways
    if (method.requestStream) {
      client[name] = (requests: AsyncIterable<unknown>, options: CallOptions = {}) =>
        sendClientStream(dependency, requests, options, (metadata, callOptions, callback) => {
          const raw = connection.client();
          return (raw[name] as unknown as ClientStreamInvoker).call(raw, metadata, callOptions, callback);
        });
      continue;
    }
    client[name] = method.responseStream
      ? (request: unknown, options: CallOptions = {}) => {
          const raw = connection.client();
          return raw[name].call(raw, request, options.metadata ?? new Metadata(), options.deadline !== undefined ? { deadline: options.deadline } : {});
        }
      : (request: unknown, options: CallOptions = {}) =>
          new Promise((resolve, reject) => {
            const raw = connection.client();
            const deadline = options.deadline ?? Date.now() + DEFAULT_CALL_MS;
            raw[name].call(raw, request, options.metadata ?? new Metadata(), { deadline }, (error, response) =>
              error ? reject(callError(dependency, error)) : resolve(response),
            );
          });
  }
  return client as ServiceClient<S> & { close(): void };
}

type ClientStreamInvoker = (
  metadata: Metadata,
  options: { deadline?: Date | number },
  callback: (error: ServiceError | null, response: unknown) => void,
) => ClientWritableStream<unknown>;

/** Writes `requests` to a client-streaming call, waiting for `drain` when the channel's buffer is full. */
function sendClientStream(dependency: string, requests: AsyncIterable<unknown>, options: CallOptions, invoke: ClientStreamInvoker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const call = invoke(options.metadata ?? new Metadata(), options.deadline !== undefined ? { deadline: options.deadline } : {}, (error, response) => {
      if (failed) return;
      failed = error !== null;
      if (error) reject(callError(dependency, error));
      else resolve(response);
    });
    // The server may answer (an error) before every request is written: writing stops there.
    let answered = false;
    call.once('status', () => (answered = true));
    const pump = async (): Promise<void> => {
      for await (const request of requests) {
        if (answered || failed) return;
        if (!call.write(request)) await new Promise<void>((drained) => {
          const done = (): void => {
            call.off('drain', done);
            call.off('status', done);
            drained();
          };
          call.on('drain', done);
          call.on('status', done);
        });
      }
      call.end();
    };
    pump().catch((error: unknown) => {
      if (failed) return;
      failed = true;
      call.cancel();
      reject(error);
    });
  });
}

/** The status of a failed call to another service, as its server sent it. */
export interface ServiceStatus {
  code: status;
  details: string;
  metadata: Metadata;
}

/**
 * What a call to another service fails with: its status and message with its google.rpc details
 * (`errorDetailsOf` reads them), and nothing else of its trailers. A plain status object, not the client's Error,
 * so that a handler which lets it through answers its own caller with that status (an Error would be taken for a
 * bug and answered as INTERNAL). An unreachable service is an UnavailableError naming the dependency, never its
 * address (the handler answers UNAVAILABLE with RetryInfo).
 */
export function callError(dependency: string, error: ServiceError): UnavailableError | ServiceStatus {
  if (error.code === status.UNAVAILABLE) return new UnavailableError(dependency, error.details, { cause: error });
  const metadata = new Metadata();
  for (const value of error.metadata?.get(STATUS_DETAILS_TRAILER) ?? []) metadata.add(STATUS_DETAILS_TRAILER, value);
  return { code: error.code, details: error.details, metadata };
}
