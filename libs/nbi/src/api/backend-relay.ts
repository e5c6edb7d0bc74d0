import { Metadata, status, type ServerReadableStream, type ServerUnaryCall, type ServerWritableStream, type ServiceDefinition, type ServiceError, type UntypedServiceImplementation, type ClientReadableStream } from '@grpc/grpc-js';
import { callError, connect, DEFAULT_CALL_MS, serviceClient, type CallOptions, type ServiceTransport } from '@acs/clients';
import { REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { abortSignalOf, clientStream, HealthService, PermissionError, remainingMs, serverStream, serviceNameOf, unary, UnavailableError, type HealthClient } from '@acs/platform';
import { deviceScopeOf, type DeviceScopeChecker, type DeviceScopeRule } from '../security/device-scope';
import { ACS_V1_METHOD_POLICIES, type MethodPolicy } from '../security/method-policy';
import { CLIENT_METADATA_KEY } from '../security/nbi-security.interceptor';
import { grpcHealthDependency, type Dependency } from './dependency-monitor';

/**
 * A service behind the NBI: the public services it serves itself, relayed as they are (the NBI holds no second
 * copy of their definitions), and how to reach it. Adding a service's public API is its proto, one of these in
 * `nbiBackends`, and its rows in the method policy.
 */
export interface BackendRegistration {
  /** The dependency's name: in the health map, in UNAVAILABLE answers and in logs (never its address). */
  dependency: string;
  /** The public services (ts-proto definitions) the backend serves and the NBI relays method by method. */
  services: readonly ServiceDefinition[];
  transport: ServiceTransport;
  /** The grpc.health.v1 service name checked on the backend; default: the first of `services`. */
  healthService?: string;
  /**
   * Methods (by path) whose calls wait on purpose, and for how long a request asks to: added to the default
   * deadline when the public caller set none (with a deadline of its own, the caller's deadline is passed on).
   */
  waitsOf?: Readonly<Record<string, (request: unknown) => number>>;
}

/** How relayed calls of clients scoped to device groups are held to them. */
export interface RelayScopes {
  checker: DeviceScopeChecker;
  /** Method path → policy with its scope rule. Default: every acs.v1 method. */
  policies?: ReadonlyMap<string, MethodPolicy>;
}

/** A scoped call: its groups, its method's rule, and the checker. */
interface HeldCall {
  scope: readonly string[];
  rule: DeviceScopeRule;
  checker: DeviceScopeChecker;
}

type RelayedMethod = (request: unknown, options: CallOptions) => Promise<unknown> | ClientReadableStream<unknown>;
type RelayedUpload = (requests: AsyncIterable<unknown>, options: CallOptions) => Promise<unknown>;

/**
 * The NBI's side of one backend: a relaying implementation of each of its services, its health dependency, its
 * connections. Every call carries the public caller's deadline (work is not done for a client that has gone) and
 * fresh metadata with only what the NBI sets (REQUESTED_BY_METADATA_KEY, from the authenticated client); the
 * backend's statuses and google.rpc details pass through unchanged, an unreachable backend becomes UNAVAILABLE
 * naming the dependency (see `callError`).
 */
export class BackendRelay {
  private readonly clients: Array<{ close(): void }> = [];
  private readonly health;

  constructor(
    private readonly registration: BackendRegistration,
    /** Absent: a call that comes scoped (x-acs-device-scope) is refused, as its scope cannot be checked. */
    private readonly scopes?: RelayScopes,
  ) {
    this.health = connect<HealthClient>(HealthService, registration.transport);
  }

  /** Each relayed service with its relaying implementation, for GrpcServerHost.addService. */
  services(): Array<[ServiceDefinition, UntypedServiceImplementation]> {
    return this.registration.services.map((definition) => [definition, this.relayOf(definition)]);
  }

  /** The backend's health, for the DependencyMonitor. */
  dependency(): Dependency {
    const { dependency, healthService, services } = this.registration;
    return grpcHealthDependency(dependency, () => this.health.client(), healthService ?? serviceNameOf(services[0]!));
  }

  close(): void {
    for (const client of this.clients) client.close();
    this.health.close();
  }

  private relayOf(definition: ServiceDefinition): UntypedServiceImplementation {
    const client = serviceClient(definition, this.registration.transport, this.registration.dependency);
    this.clients.push(client);
    const methods = client as unknown as Record<string, RelayedMethod>;
    const implementation: UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(definition)) {
      if (method.requestStream && method.responseStream) throw new Error(`NBI relay: ${method.path} streams both ways, which no public API does`);
      if (method.requestStream) {
        const upload = methods[name] as unknown as RelayedUpload;
        implementation[name] = clientStream<unknown, unknown>((requests, server) => this.relayUpload(upload, requests, server));
        continue;
      }
      const call = methods[name]!;
      implementation[name] = method.responseStream
        ? serverStream<unknown, unknown>(async (request, server) => {
            const held = this.heldTo(method.path, server.metadata);
            if (held) await held.checker.checkRequest(held.rule, held.scope, request);
            return this.relayStream(call, request, server);
          })
        : unary<unknown, unknown>((request, server) => this.relayUnary(call, method.path, request, server));
    }
    return implementation;
  }

  /**
   * A unary call relayed; a scoped client's request checked first (the device or task it names must be in its
   * groups) and its response narrowed to them (a listing).
   */
  private async relayUnary(method: RelayedMethod, path: string, request: unknown, call: ServerUnaryCall<unknown, unknown>): Promise<unknown> {
    const held = this.heldTo(path, call.metadata);
    if (held) await held.checker.checkRequest(held.rule, held.scope, request);
    const response = await (method(request, this.unaryOptions(path, request, call)) as Promise<unknown>);
    return held?.rule.narrow ? held.rule.narrow(response, (deviceId) => held.checker.inScope(held.scope, deviceId)) : response;
  }

  /** The scope a call is held to, if its client is scoped; PermissionError when it cannot be held to it here. */
  private heldTo(path: string, metadata: Metadata): HeldCall | undefined {
    const scope = deviceScopeOf(metadata);
    if (!scope) return undefined;
    const rule = (this.scopes?.policies ?? ACS_V1_METHOD_POLICIES).get(path)?.deviceScope;
    if (!rule || !this.scopes) throw new PermissionError(`${path} cannot be held to the device groups this client is limited to`);
    return { scope, rule, checker: this.scopes.checker };
  }

  private unaryOptions(path: string, request: unknown, call: ServerUnaryCall<unknown, unknown>): CallOptions {
    const left = remainingMs(call);
    const waitMs = this.registration.waitsOf?.[path]?.(request) ?? 0;
    return { deadline: Date.now() + (Number.isFinite(left) ? left : DEFAULT_CALL_MS + waitMs), metadata: relayedMetadata(call) };
  }

  /**
   * A client stream (an upload) relayed message by message, each read from the caller only when the backend has
   * taken the previous one, so the NBI holds a message or two per upload whatever its size. The caller's cancel
   * cancels the upstream (the backend then keeps nothing); no deadline unless the caller set one.
   */
  private async relayUpload(method: RelayedUpload, requests: AsyncIterable<unknown>, call: ServerReadableStream<unknown, unknown>): Promise<unknown> {
    const left = remainingMs(call);
    try {
      return await method(requests, { metadata: relayedMetadata(call), ...(Number.isFinite(left) ? { deadline: Date.now() + left } : {}) });
    } catch (error) {
      // callError already made the backend's answer a status; what is left is the caller's stream failing.
      throw isStatus(error) || error instanceof UnavailableError ? error : callError(this.registration.dependency, { code: status.CANCELLED, details: 'upload cancelled by the client', metadata: new Metadata() } as ServiceError);
    }
  }

  /** A server stream relayed update by update; the client's cancel cancels the upstream. No deadline unless the caller set one. */
  private relayStream(method: RelayedMethod, request: unknown, call: ServerWritableStream<unknown, unknown>): Promise<void> {
    const left = remainingMs(call);
    const upstream = method(request, {
      metadata: relayedMetadata(call),
      ...(Number.isFinite(left) ? { deadline: Date.now() + left } : {}),
    }) as ClientReadableStream<unknown>;
    const signal = abortSignalOf(call);
    signal.addEventListener('abort', () => upstream.cancel(), { once: true });
    return new Promise<void>((resolve, reject) => {
      upstream.on('data', (update: unknown) => call.write(update));
      upstream.on('error', (error: ServiceError) => (signal.aborted ? resolve() : reject(callError(this.registration.dependency, error))));
      upstream.on('end', () => resolve());
    });
  }
}

function isStatus(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && typeof (error as { code: unknown }).code === 'number';
}

/**
 * The metadata of a backend call: only what the NBI itself sets, never the public caller's entries. The
 * authenticated client's name comes from the security interceptor (absent on a server without it, e.g. in tests).
 */
function relayedMetadata(call: Pick<ServerUnaryCall<unknown, unknown>, 'metadata'>): Metadata {
  const metadata = new Metadata();
  const [client] = call.metadata.get(CLIENT_METADATA_KEY);
  if (typeof client === 'string' && client !== '') metadata.set(REQUESTED_BY_METADATA_KEY, client);
  return metadata;
}
