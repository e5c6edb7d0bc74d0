import { credentials as grpcCredentials, InterceptingCall, type ChannelCredentials, type Client, type ClientOptions, type Interceptor, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './grpc-server.host';

/** What ts-proto generates as `…Client` for a service: a constructor of a grpc-js Client. */
export type GrpcClientConstructor<C extends Client> = new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => C;

export interface GrpcClientOptions {
  /** Default: plaintext, for the internal network. */
  credentials?: ChannelCredentials;
  /**
   * Deadline given to every unary call that does not set one, in ms. Default 10 s: a call without a deadline can
   * hang forever on a peer that accepted it and died. Streams (watches) get none unless the call sets one.
   */
  defaultDeadlineMs?: number;
  maxReceiveMessageBytes?: number;
  maxSendMessageBytes?: number;
  /** Further grpc-js channel options. */
  channelOptions?: Partial<ClientOptions>;
}

/**
 * A client of a generated service with our defaults: a deadline on every unary call, the same message size limits
 * as GrpcServerHost, plaintext unless told otherwise.
 *
 *   const provisioning = grpcClient(ProvisioningServiceClient, 'provisioning:50051');
 */
export function grpcClient<C extends Client>(Constructor: GrpcClientConstructor<C>, address: string, options: GrpcClientOptions = {}): C {
  const deadlineMs = options.defaultDeadlineMs ?? 10_000;
  const defaultDeadline: Interceptor = (callOptions, nextCall) => {
    const unaryResponse = !callOptions.method_definition.responseStream;
    const deadline = callOptions.deadline ?? (unaryResponse ? new Date(Date.now() + deadlineMs) : undefined);
    return new InterceptingCall(nextCall({ ...callOptions, ...(deadline !== undefined ? { deadline } : {}) }));
  };
  return new Constructor(address, options.credentials ?? grpcCredentials.createInsecure(), {
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': options.maxSendMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    ...options.channelOptions,
    interceptors: [defaultDeadline, ...(options.channelOptions?.interceptors ?? [])],
  });
}

/** A grpc-js call error: an Error carrying the status code, the server's message and the trailers. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'details' in error;
}

/**
 * The error a call that must fail failed with. Throws when it answered instead (saying what), and passes on an
 * error that is not a gRPC status (a bug in the caller, not the answer under test).
 */
export async function failureOf(call: Promise<unknown>): Promise<ServiceError> {
  let answer: unknown;
  try {
    answer = await call;
  } catch (error) {
    if (isServiceError(error)) return error;
    throw error;
  }
  throw new Error(`expected the call to fail, it answered ${JSON.stringify(answer)?.slice(0, 500)}`);
}

/** A generated client's unary method in its (request, metadata, options, callback) form. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;
