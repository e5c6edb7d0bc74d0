import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ServerCredentials } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { acsV1, acsV1DescriptorSet, provisioningV1 } from '@acs/contracts';
import {
  EVENT_BUS,
  GrpcServerHost,
  grpcClient,
  grpcMetricsInterceptor,
  HEALTH_REGISTRY,
  HealthClient,
  HealthService,
  LOGGER,
  METRICS_REGISTRY,
  serviceNameOf,
  UnavailableError,
  type EventBus,
  type HealthRegistry,
  type Logger,
} from '@acs/platform';
import { auditServiceOf } from './api/audit.service';
import { DependencyMonitor, grpcHealthDependency } from './api/dependency-monitor';
import { EventHub } from './api/event-hub';
import { eventServiceOf } from './api/event.service';
import { ProvisioningBackend } from './api/provisioning-backend';
import { deviceServiceOf, faultServiceOf, presetServiceOf, taskServiceOf } from './api/provisioning-relays';
import type { AuditLog } from './audit/audit-log.port';
import { AuditWriter, auditWriterMetrics } from './audit/audit-writer';
import type { NbiConfig } from './nbi.config';
import { ClientRateLimiter, type RateLimit } from './security/client-rate-limiter';
import { ClientStreamLimiter } from './security/client-stream-limiter';
import type { ClientRegistryProvider } from './security/client-registry';
import { createNbiSecurityInterceptor } from './security/nbi-security.interceptor';
import { registerTokenExpiryGauge } from './security/token-expiry.metrics';

export const NBI_OPTIONS = Symbol('NbiOptions');

export interface NbiOptions {
  config: NbiConfig;
  auditLog: AuditLog;
  /** Who may call, with which roles (the clients file). */
  clients: ClientRegistryProvider;
  /** Per client and per pod, unless the client's entry says otherwise. */
  rateLimit: RateLimit;
  /** Server streams (watches) one client may hold open on this pod; default 100. */
  maxStreamsPerClient?: number;
  /** TLS / mTLS; plaintext when absent. */
  credentials?: ServerCredentials;
  /** Closed with the module (registry file watchers and the like). */
  onShutdown?: () => Promise<void> | void;
  /**
   * How the provisioning service is reached: `grpc` (default) at config.provisioningAddress, between pods;
   * `in-process` through the provisioning module's GrpcServerHost in this same process (the standalone), by direct
   * calls behind the same client interface.
   */
  provisioning?: 'grpc' | 'in-process';
}

type ProvisioningClient = InstanceType<typeof provisioningV1.ProvisioningServiceClient>;

const INTERNAL_PROVISIONING_SERVICE = serviceNameOf(provisioningV1.ProvisioningServiceService);

/** The public API's server: services, dependencies behind the health statuses, the event hub. */
@Injectable()
export class NbiServer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  readonly host: GrpcServerHost;
  private readonly backend: ProvisioningBackend;
  private provisioningClient?: ProvisioningClient;
  private healthClient?: HealthClient;
  private readonly hub: EventHub;
  private readonly monitor: DependencyMonitor;
  private readonly auditWriter: AuditWriter;

  constructor(
    @Inject(NBI_OPTIONS) private readonly options: NbiOptions,
    @Inject(EVENT_BUS) bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    private readonly moduleRef: ModuleRef,
  ) {
    const { config } = options;
    // Audit entries wait in order (bounded, in memory) while the audit store is away, and are written when it is back.
    this.auditWriter = new AuditWriter(options.auditLog, logger, auditWriterMetrics(metrics));
    registerTokenExpiryGauge(metrics, options.clients);
    // Authentication, roles, rate limit and audit around every call (health and reflection pass untouched).
    const security = createNbiSecurityInterceptor({
      clients: options.clients,
      auditLog: this.auditWriter,
      rateLimiter: new ClientRateLimiter(options.rateLimit),
      streamLimiter: new ClientStreamLimiter(options.maxStreamsPerClient ?? 100),
      logger,
      metrics,
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
    if ((options.provisioning ?? 'grpc') === 'grpc') {
      this.provisioningClient = grpcClient(provisioningV1.ProvisioningServiceClient, config.provisioningAddress, {
        maxReceiveMessageBytes: config.maxMessageBytes,
        maxSendMessageBytes: config.maxMessageBytes,
      });
      this.healthClient = grpcClient(HealthClient, config.provisioningAddress);
    }
    this.backend = new ProvisioningBackend(() => this.connected(this.provisioningClient));
    this.hub = new EventHub(bus, logger, { maxEvents: config.eventReplayEvents, maxAgeMs: config.eventReplayMs });
    this.host
      .addService(acsV1.DeviceServiceService, deviceServiceOf(this.backend))
      .addService(acsV1.TaskServiceService, taskServiceOf(this.backend))
      .addService(acsV1.PresetServiceService, presetServiceOf(this.backend))
      .addService(acsV1.FaultServiceService, faultServiceOf(this.backend))
      .addService(acsV1.EventServiceService, eventServiceOf(this.hub))
      .addService(acsV1.AuditServiceService, auditServiceOf(options.auditLog));

    const provisioning = grpcHealthDependency('provisioning', () => this.connected(this.healthClient), INTERNAL_PROVISIONING_SERVICE);
    const dependencies = [provisioning, { name: 'event-bus', check: () => bus.ping() }, { name: 'audit-log', check: () => options.auditLog.ping() }];
    // The resource services and WatchEvents keep serving while the audit store is away (their entries wait in the
    // AuditWriter); listing the audit log cannot.
    this.monitor = new DependencyMonitor(
      this.host.health,
      dependencies,
      {
        '': dependencies.map((d) => d.name),
        [serviceNameOf(acsV1.DeviceServiceService)]: ['provisioning'],
        [serviceNameOf(acsV1.TaskServiceService)]: ['provisioning'],
        [serviceNameOf(acsV1.PresetServiceService)]: ['provisioning'],
        [serviceNameOf(acsV1.FaultServiceService)]: ['provisioning'],
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

  /** In one process: the provisioning module's server, reached by direct calls (its providers exist by now). */
  onModuleInit(): void {
    if (this.options.provisioning !== 'in-process') return;
    const provisioningHost = this.moduleRef.get(GrpcServerHost, { strict: false });
    this.provisioningClient = provisioningHost.inProcessClient<ProvisioningClient>(provisioningV1.ProvisioningServiceService);
    this.healthClient = provisioningHost.inProcessClient<HealthClient>(HealthService);
  }

  private connected<C>(client: C | undefined): C {
    if (!client) throw new UnavailableError('provisioning', 'not connected yet');
    return client;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.hub.start();
    // Before listening: the host marks every service SERVING as it is added; the first check puts that right.
    await this.monitor.start();
    const port = await this.host.start();
    const provisioning = this.options.provisioning === 'in-process' ? 'in-process' : this.options.config.provisioningAddress;
    this.logger.info({ host: this.options.config.host, port, provisioning }, 'public gRPC API (acs.v1) listening');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.monitor.stop();
    await this.host.stop();
    await this.hub.stop();
    this.provisioningClient?.close();
    this.healthClient?.close();
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
