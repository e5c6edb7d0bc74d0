import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerCredentials } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { GROUPING_API, groupingClient, PROVISIONING_API, provisioningClient, type ServiceTransport } from '@acs/clients';
import { acsV1, acsV1DescriptorSet } from '@acs/contracts';
import {
  EVENT_BUS,
  GRPC_HOSTS,
  GrpcServerHost,
  grpcMetricsInterceptor,
  HEALTH_REGISTRY,
  LOGGER,
  METRICS_REGISTRY,
  serviceNameOf,
  type EventBus,
  type GrpcHostRegistry,
  type HealthRegistry,
  type Logger,
} from '@acs/platform';
import { auditServiceOf } from './api/audit.service';
import { BackendRelay } from './api/backend-relay';
import { nbiBackends, type BackendTransport } from './api/backends';
import { DependencyMonitor } from './api/dependency-monitor';
import { EventHub } from './api/event-hub';
import { eventServiceOf } from './api/event.service';
import type { AuditLog } from './audit/audit-log.port';
import { AuditWriter, auditWriterMetrics } from './audit/audit-writer';
import type { NbiConfig } from './nbi.config';
import { ClientRateLimiter, type RateLimit } from './security/client-rate-limiter';
import { ClientStreamLimiter } from './security/client-stream-limiter';
import type { ClientRegistryProvider } from './security/client-registry';
import { DeviceScopeChecker } from './security/device-scope';
import { createNbiSecurityInterceptor } from './security/nbi-security.interceptor';
import { UnauthenticatedPeerLimiter } from './security/unauthenticated-peer-limiter';
import { registerTokenExpiryGauge } from './security/token-expiry.metrics';

export const NBI_OPTIONS = Symbol('NbiOptions');

export interface NbiOptions {
  config: NbiConfig;
  auditLog: AuditLog;
  /** Who may call, with which roles (the clients file). */
  clients: ClientRegistryProvider;
  /** Per client and per pod, unless the client's entry says otherwise. */
  rateLimit: RateLimit;
  /** Failed authentications allowed per peer address on this pod before its calls are refused; default 1/s, burst 20. */
  unauthenticatedLimit?: RateLimit;
  /** Server streams (watches) one client may hold open on this pod; default 100. */
  maxStreamsPerClient?: number;
  /** TLS / mTLS; plaintext when absent. */
  credentials?: ServerCredentials;
  /** Closed with the module (registry file watchers and the like). */
  onShutdown?: () => Promise<void> | void;
  /**
   * How the backends (the provisioning service, …) are reached: `grpc` (default) at their addresses in the config,
   * between pods; `in-process` through each one's GrpcServerHost in this same process (the standalone, found in the
   * GrpcHostRegistry by service name), by direct calls behind the same client interface.
   */
  backends?: BackendTransport;
  /**
   * Whether a firmware service is behind this NBI (FileService relayed, its health a dependency). Default: when
   * `config.firmwareAddress` is set. The standalone, which runs the firmware module in process, says true.
   */
  firmware?: boolean;
  /**
   * Whether a grouping service is behind this NBI (GroupService relayed, its health a dependency, group-scoped roles
   * enforced). Default: when `config.groupingAddress` is set. The standalone, which runs grouping in process, says true.
   */
  grouping?: boolean;
  /**
   * Whether a diagnostics service is behind this NBI (DiagnosticsService relayed, its health a dependency). Default:
   * when `config.diagnosticsAddress` is set. The standalone, which runs diagnostics in process, says true.
   */
  diagnostics?: boolean;
}

/** The public API's server: services, dependencies behind the health statuses, the event hub. */
@Injectable()
export class NbiServer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly host: GrpcServerHost;
  private readonly backends: BackendRelay[];
  private readonly hub: EventHub;
  private readonly monitor: DependencyMonitor;
  private readonly auditWriter: AuditWriter;
  /** The clients the device-scope checker asks (grouping, provisioning), closed with the server. */
  private readonly scopeClients: Array<{ close(): void }> = [];

  constructor(
    @Inject(NBI_OPTIONS) private readonly options: NbiOptions,
    @Inject(EVENT_BUS) bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    @Inject(GRPC_HOSTS) hosts: GrpcHostRegistry,
  ) {
    const { config } = options;
    // Audit entries wait in order (bounded, in memory) while the audit store is away, and are written when it is back.
    this.auditWriter = new AuditWriter(options.auditLog, logger, auditWriterMetrics(metrics));
    registerTokenExpiryGauge(metrics, options.clients);
    const grouping = options.grouping ?? config.groupingAddress !== undefined;
    const scopes = grouping ? this.deviceScopeChecker(hosts) : undefined;
    // Authentication, roles, rate limit and audit around every call (health and reflection pass untouched).
    const security = createNbiSecurityInterceptor({
      clients: options.clients,
      auditLog: this.auditWriter,
      rateLimiter: new ClientRateLimiter(options.rateLimit),
      peerLimiter: new UnauthenticatedPeerLimiter(options.unauthenticatedLimit ?? { perSecond: 1, burst: 20 }),
      streamLimiter: new ClientStreamLimiter(options.maxStreamsPerClient ?? 100),
      logger,
      metrics,
      deviceScopes: scopes !== undefined,
    });
    this.host = new GrpcServerHost({
      host: config.host,
      port: config.port,
      credentials: options.credentials,
      interceptors: [grpcMetricsInterceptor(metrics), security],
      maxReceiveMessageBytes: config.maxMessageBytes,
      maxSendMessageBytes: config.maxMessageBytes,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      channelOptions: {
        'grpc.max_connection_age_ms': config.maxConnectionAgeMs,
        'grpc.max_connection_age_grace_ms': config.maxConnectionAgeGraceMs,
        'grpc.keepalive_time_ms': config.keepaliveMs,
        'grpc.keepalive_timeout_ms': 20_000,
        // Clients' own keepalive pings (acsctl events tail, operators' watchers) are welcome down to 10 s apart.
        'grpc.http2.min_ping_interval_without_data_ms': 10_000,
        'grpc.keepalive_permit_without_calls': 1,
      },
      descriptorSets: [acsV1DescriptorSet],
      logger,
    });
    const registrations = nbiBackends(config, options.backends ?? 'grpc', hosts, {
      firmware: options.firmware ?? config.firmwareAddress !== undefined,
      grouping,
      diagnostics: options.diagnostics ?? config.diagnosticsAddress !== undefined,
    });
    this.backends = registrations.map((registration) => new BackendRelay(registration, scopes ? { checker: scopes } : undefined));
    for (const backend of this.backends) for (const [definition, implementation] of backend.services()) this.host.addService(definition, implementation);
    this.hub = new EventHub(bus, logger, { maxEvents: config.eventReplayEvents, maxAgeMs: config.eventReplayMs });
    this.host.addService(acsV1.EventServiceService, eventServiceOf(this.hub, scopes)).addService(acsV1.AuditServiceService, auditServiceOf(options.auditLog));

    const dependencies = [
      ...this.backends.map((backend) => backend.dependency()),
      { name: 'event-bus', check: () => bus.ping() },
      { name: 'audit-log', check: () => options.auditLog.ping() },
    ];
    // Each relayed service follows its backend. The resource services and WatchEvents keep serving while the audit
    // store is away (their entries wait in the AuditWriter); listing the audit log cannot.
    this.monitor = new DependencyMonitor(
      this.host.health,
      dependencies,
      {
        '': dependencies.map((d) => d.name),
        ...Object.fromEntries(registrations.flatMap((r) => r.services.map((definition) => [serviceNameOf(definition), [r.dependency]]))),
        [serviceNameOf(acsV1.EventServiceService)]: ['event-bus'],
        [serviceNameOf(acsV1.AuditServiceService)]: ['audit-log'],
      },
      logger,
      { intervalMs: config.healthIntervalMs, checkTimeoutMs: Math.min(1500, config.healthIntervalMs) },
    );
    health.register(this.host.healthCheck('nbi-grpc'));
    health.register({ name: 'nbi-dependencies', check: async () => {
      if (this.monitor.failing.size > 0) throw new Error(`down: ${[...this.monitor.failing.keys()].join(', ')}`);
    } });
  }

  /**
   * Whom the NBI asks whether a device is in a scoped client's groups (grouping's ListDeviceGroups) and which device a
   * task is for (provisioning's GetTask): the same backends it relays to, reached the same way.
   */
  private deviceScopeChecker(hosts: GrpcHostRegistry): DeviceScopeChecker {
    const { config } = this.options;
    const reach = (dependency: string, address: string): ServiceTransport =>
      this.options.backends === 'in-process' ? { host: () => hosts.get(dependency) } : { address, maxMessageBytes: config.maxMessageBytes };
    const grouping = groupingClient(reach(GROUPING_API.dependency, config.groupingAddress ?? ''));
    const provisioning = provisioningClient(reach(PROVISIONING_API.dependency, config.provisioningAddress));
    this.scopeClients.push(grouping, provisioning);
    return new DeviceScopeChecker({
      groupsOf: async (deviceId) => (await grouping.groups.listDeviceGroups({ deviceId })).groups,
      deviceOfTask: async (taskId) => (await provisioning.tasks.getTask({ taskId })).task?.deviceId ?? '',
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.hub.start();
    // Before listening: the host marks every service SERVING as it is added; the first check puts that right.
    await this.monitor.start();
    const port = await this.host.start();
    const provisioning = this.options.backends === 'in-process' ? 'in-process' : this.options.config.provisioningAddress;
    this.logger.info({ lifecycle: 'listening', host: this.options.config.host, port, provisioning }, 'public gRPC API (acs.v1) listening');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.monitor.stop();
    const ended = this.hub.endWatches('server shutting down; watch again (from the last event seen) to continue');
    if (ended > 0) this.logger.info({ watches: ended }, 'ended the open event watches for the stop');
    await this.host.stop();
    await this.hub.stop();
    for (const backend of this.backends) backend.close();
    for (const client of this.scopeClients) client.close();
    // What the last calls audited is written (or, with the store away, logged in full) before the log closes.
    await this.auditWriter.close();
    await this.options.onShutdown?.();
    await this.options.auditLog.close();
  }
}

/** The public gRPC API `acs.v1`. Expects the ports from PlatformModule (the event bus for WatchEvents). */
@Module({})
export class NbiModule {
  static forRoot(options: NbiOptions): DynamicModule {
    return {
      module: NbiModule,
      providers: [{ provide: NBI_OPTIONS, useValue: options }, NbiServer],
      exports: [NbiServer],
    };
  }
}
