import { Server, ServerCredentials, type ServerInterceptor, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { HealthCheck } from '../observability/health';
import { platformDescriptorSet } from './generated/descriptor-set';
import { HealthService } from './generated/grpc/health/v1/health';
import { setUnexpectedErrorSink } from './grpc-handler';
import { inProcessClient } from './in-process-client';
import { GrpcHealthService, ServingStatus } from './grpc-health.service';

/** 4 MiB, gRPC's usual default: a device with a large parameter tree fits; a runaway page does not. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface GrpcServerHostOptions {
  /** Interface to listen on; default all (`0.0.0.0`). */
  host?: string;
  /** 0 takes a free port (tests); `port` tells which after start(). */
  port: number;
  /** Default: plaintext, for the internal network (mTLS, when needed, comes from the mesh or is passed here). */
  credentials?: ServerCredentials;
  /** Largest request accepted; bigger ones fail with RESOURCE_EXHAUSTED before reaching a handler. */
  maxReceiveMessageBytes?: number;
  /** Largest response sent; a handler's bigger answer fails with RESOURCE_EXHAUSTED instead. */
  maxSendMessageBytes?: number;
  /** How long stop() lets calls in flight finish before cancelling them. Default 10 s. */
  shutdownTimeoutMs?: number;
  /**
   * Serialized FileDescriptorSets of the hosted services (e.g. `acsV1DescriptorSet` of @acs/contracts), for server
   * reflection; the health service's is built in. Only registered services are listed.
   */
  descriptorSets?: Uint8Array[];
  /** Where handlers' unexpected errors (answered as INTERNAL) are logged. Default: stderr. */
  logger?: { error(context: object, message: string): void };
  /** Further grpc-js server options (keepalive, connection age…). */
  channelOptions?: Record<string, string | number>;
  /**
   * Server interceptors run around every call, health and reflection included (e.g. the NBI's authentication,
   * authorization, rate limit and audit, which lets those two through unauthenticated).
   */
  interceptors?: ServerInterceptor[];
}

/**
 * A @grpc/grpc-js server with what every service of ours needs around its own handlers: grpc.health.v1 with a
 * status per service, server reflection (`grpcurl -plaintext HOST:PORT list` works), message size limits and a
 * graceful stop (health NOT_SERVING, finish calls in flight for a while, then cancel the rest).
 */
export class GrpcServerHost {
  readonly health = new GrpcHealthService();
  private readonly server: Server;
  /** Every service served here, the health service first: for reflection and in-process clients. */
  private readonly implementations = new Map<ServiceDefinition, UntypedServiceImplementation>();
  private boundPort: number | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: GrpcServerHostOptions) {
    this.server = new Server({
      ...options.channelOptions,
      'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': options.maxSendMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      interceptors: options.interceptors,
    });
    this.server.addService(HealthService, this.health.implementation);
    this.implementations.set(HealthService, this.health.implementation as unknown as UntypedServiceImplementation);
    const logger = options.logger;
    if (logger) setUnexpectedErrorSink((error, method) => logger.error({ err: error, method }, 'grpc handler failed'));
  }

  /** Registers a service (a ts-proto `…Service` definition and its `…Server` implementation), SERVING at once. */
  addService<Implementation extends UntypedServiceImplementation>(
    definition: ServiceDefinition<Implementation>,
    implementation: Implementation,
  ): this {
    if (this.boundPort !== undefined) throw new Error('GrpcServerHost: add services before start()');
    const name = serviceNameOf(definition);
    this.server.addService(definition, implementation);
    this.implementations.set(definition, implementation);
    this.health.setStatus(name, ServingStatus.SERVING);
    return this;
  }

  /**
   * A client of one of this host's services (or its health service) that calls the handlers in this process, with
   * the generated client's surface (see inProcessClient): how the standalone's modules call each other. Server
   * interceptors and message size limits do not apply.
   */
  inProcessClient<C>(definition: ServiceDefinition): C {
    const implementation = this.implementations.get(definition);
    if (!implementation) throw new Error(`GrpcServerHost: ${serviceNameOf(definition)} is not served here`);
    return inProcessClient<C>(definition, implementation);
  }

  /** Binds and starts serving; resolves with the port (the chosen one when configured as 0). */
  async start(): Promise<number> {
    if (this.boundPort !== undefined) return this.boundPort;
    this.addReflection();
    const address = `${this.options.host ?? '0.0.0.0'}:${this.options.port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, this.options.credentials ?? ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
    return this.boundPort;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('GrpcServerHost: not started');
    return this.boundPort;
  }

  /**
   * Graceful stop: every service NOT_SERVING and health watches ended (balancers stop routing here), new calls
   * refused, calls in flight given `timeoutMs` to finish, the rest cancelled. Idempotent.
   */
  stop(timeoutMs = this.options.shutdownTimeoutMs ?? 10_000): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.health.setAllNotServing();
      this.health.endWatches();
      if (this.boundPort === undefined) {
        this.server.forceShutdown();
        resolve();
        return;
      }
      const timer = setTimeout(() => this.server.forceShutdown(), timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.stopping;
  }

  /** A readiness check for the HealthRegistry: the server is listening and not stopping. */
  healthCheck(name = 'grpc'): HealthCheck {
    return {
      name,
      check: async () => {
        if (this.boundPort === undefined) throw new Error('gRPC server not listening');
        if (this.stopping) throw new Error('gRPC server stopping');
      },
    };
  }

  private addReflection(): void {
    const files = [platformDescriptorSet, ...(this.options.descriptorSets ?? [])].flatMap(fileDescriptorsOf);
    // ReflectionService reads nothing of a package definition but each entry's `fileDescriptorProtos`. We hand it
    // buf's descriptors as they are: proto-loader's (loadFileDescriptorSetFromBuffer) are rebuilt by protobufjs,
    // which drops every file's imports and merges files of one package, and grpcurl cannot link those.
    const definition = { descriptors: { fileDescriptorProtos: files } } as unknown as PackageDefinition;
    const services = [...this.implementations.keys()].map(serviceNameOf);
    new ReflectionService(definition, { services }).addToServer(this.server);
  }
}

/** The serialized FileDescriptorProtos of a FileDescriptorSet (field 1, repeated), not re-encoded. */
function fileDescriptorsOf(set: Uint8Array): Buffer[] {
  const reader = new BinaryReader(set);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType);
  }
  return files;
}

/** `acs.v1.TaskService`, read from a method path `/<service>/<method>`. */
export function serviceNameOf(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('service definition without methods');
  return first.path.slice(1, first.path.lastIndexOf('/'));
}
