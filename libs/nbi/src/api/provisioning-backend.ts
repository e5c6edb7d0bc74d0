import { Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { provisioningV1 } from '@acs/contracts';
import { remainingMs, STATUS_DETAILS_TRAILER, UnavailableError, type UnaryMethod } from '@acs/platform';

type Client = InstanceType<typeof provisioningV1.ProvisioningServiceClient>;
/** Deadline of an internal call whose public caller set none. */
const DEFAULT_CALL_MS = 30_000;

/**
 * The NBI's way to the provisioning service's internal API. Every call carries the public caller's deadline, so
 * work is not done for a client that has gone; the provisioning service's own statuses (with their google.rpc
 * details) pass through unchanged, except that an unreachable provisioning service becomes a plain UNAVAILABLE
 * naming the dependency, never its address.
 */
export class ProvisioningBackend {
  /** `clientOf` gives the client at each call: a gRPC one, or an in-process one connected once the app is wired. */
  constructor(private readonly clientOf: () => Client) {}

  unary<Req, Res>(
    method: keyof Client,
    request: Req,
    call: { getDeadline(): Date | number },
    extraMs = 0,
  ): Promise<Res> {
    const left = remainingMs(call);
    const deadline = Date.now() + (Number.isFinite(left) ? left : DEFAULT_CALL_MS + extraMs);
    const client = this.clientOf();
    const fn = client[method] as unknown as UnaryMethod<Req, Res>;
    return new Promise<Res>((resolve, reject) => {
      fn.call(client, request, new Metadata(), { deadline }, (error, response) => (error ? reject(backendError(error)) : resolve(response)));
    });
  }

  /** WatchTask with the caller's deadline (none when it set none: watches may be long). */
  watchTask(request: provisioningV1.WatchTaskRequest, call: { getDeadline(): Date | number }): ClientReadableStream<provisioningV1.WatchTaskResponse> {
    const left = remainingMs(call);
    return this.clientOf().watchTask(request, new Metadata(), Number.isFinite(left) ? { deadline: Date.now() + left } : {});
  }
}

/**
 * What the NBI answers when the provisioning service failed a call: its status and message with its google.rpc
 * details, and nothing else of its trailers. A plain status object, not the client's Error, so the handler wrapper
 * relays it as it is (an Error would be taken for a bug and answered as INTERNAL).
 */
export function backendError(error: ServiceError): unknown {
  if (error.code === status.UNAVAILABLE) return new UnavailableError('provisioning', error.details, { cause: error });
  const metadata = new Metadata();
  for (const value of error.metadata?.get(STATUS_DETAILS_TRAILER) ?? []) metadata.add(STATUS_DETAILS_TRAILER, value);
  return { code: error.code, details: error.details, metadata };
}
