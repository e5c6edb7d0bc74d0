import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { AcsDeviceEventType, acsV1DescriptorSet, acsV1, newEvent } from '@acs/contracts';
import {
  DEVICE_QUEUE,
  EVENT_BUS,
  GRPC_HOSTS,
  GrpcServerHost,
  grpcMetricsInterceptor,
  HEALTH_REGISTRY,
  METRICS_REGISTRY,
  LOGGER,
  SESSION_STORE,
  type DeviceQueue,
  type EventBus,
  type GrpcHostRegistry,
  type HealthRegistry,
  type Logger,
  type SessionStore,
} from '@acs/platform';
import { ProvisioningGrpcController } from './api/provisioning-grpc.controller';
import { loadProvisioningConfig, type ProvisioningConfig } from './provisioning.config';
import type { ProvisioningStore } from './repositories/ports';
import { PresetCatalog } from './service/preset-catalog';
import { ProvisioningConsumer } from './service/provisioning.consumer';
import { TaskLifecycle } from './tasks/task-lifecycle';
import { createProvisioningCore, type ProvisioningCore, type ProvisioningUseCases } from './usecases/provisioning-usecases';

export const PROVISIONING_STORE = Symbol('ProvisioningStore');
export const PROVISIONING_CONFIG = Symbol('ProvisioningConfig');
export const PROVISIONING_CORE = Symbol('ProvisioningCore');
export const PROVISIONING_USE_CASES = Symbol('ProvisioningUseCases');
export const PROVISIONING_MODULE_OPTIONS = Symbol('ProvisioningModuleOptions');
/**
 * Provisioning's own GrpcServerHost (a named token, not the class: each service in a process has a host). It is
 * also in the process's GrpcHostRegistry under `provisioning`, where other modules find it for in-process calls.
 */
export const PROVISIONING_GRPC_HOST = Symbol('ProvisioningGrpcHost');
/** The name provisioning's host is registered under (PROVISIONING_API.dependency in @acs/clients). */
const SERVICE_NAME = 'provisioning';

export interface ProvisioningModuleOptions {
  store: ProvisioningStore;
  config?: ProvisioningConfig;
  /**
   * The event bus lives in this process's memory (the standalone): results in flight when the process stopped are
   * gone, so the tasks that lost their work are dispatched again at start (ReconcileDispatchedTasks). Never with a
   * durable bus, where other pods' sessions and results are under way.
   */
  reconcileLostWorkOnStart?: boolean;
}

/**
 * Reconciles tasks before anything runs (module init comes before every module's bootstrap, so before the gateway
 * serves a session); starts the consumer, the preset catalog and the task clock once everything is wired; stops them
 * first on shutdown.
 */
@Injectable()
export class ProvisioningLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly consumer: ProvisioningConsumer,
    private readonly catalog: PresetCatalog,
    private readonly tasks: TaskLifecycle,
    @Inject(PROVISIONING_GRPC_HOST) private readonly grpc: GrpcServerHost,
    @Inject(PROVISIONING_STORE) private readonly store: ProvisioningStore,
    @Inject(PROVISIONING_CONFIG) private readonly config: ProvisioningConfig,
    @Inject(PROVISIONING_USE_CASES) private readonly useCases: ProvisioningUseCases,
    @Inject(PROVISIONING_MODULE_OPTIONS) private readonly options: Pick<ProvisioningModuleOptions, 'reconcileLostWorkOnStart'>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
  ) {
    health.register({ name: 'provisioning-store', check: async () => void (await store.presets.list()) });
    health.register(grpc.healthCheck('provisioning-grpc'));
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.reconcileLostWorkOnStart) return;
    const report = await this.useCases.reconcileDispatchedTasks.execute();
    this.logger.info(report, 'dispatched tasks reconciled with the device queue');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.catalog.start();
    await this.consumer.start();
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tasks
        .tick()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'task tick failed'))
        .finally(() => (this.ticking = undefined));
    }, this.config.tickMs);
    this.timer.unref();
    const port = await this.grpc.start();
    this.logger.info({ lifecycle: 'listening', host: this.config.grpc.host, port }, 'provisioning gRPC API listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info(
      { lifecycle: 'draining', taskTickInProgress: this.ticking !== undefined },
      'provisioning draining: the gRPC API stops, the task tick in progress finishes, the event consumer stops, the store closes',
    );
    await this.grpc.stop();
    clearInterval(this.timer);
    await this.ticking;
    await this.consumer.stop();
    this.catalog.stop();
    await this.store.close();
  }
}

/** The provisioning service: inventory, tasks, presets, faults. Expects the ports from PlatformModule. */
@Module({})
export class ProvisioningModule {
  static forRoot(options: ProvisioningModuleOptions): DynamicModule {
    return {
      module: ProvisioningModule,
      providers: [
        { provide: PROVISIONING_MODULE_OPTIONS, useValue: { reconcileLostWorkOnStart: options.reconcileLostWorkOnStart === true } },
        { provide: PROVISIONING_STORE, useValue: options.store },
        { provide: PROVISIONING_CONFIG, useFactory: () => options.config ?? loadProvisioningConfig() },
        {
          provide: PresetCatalog,
          useFactory: (store: ProvisioningStore, config: ProvisioningConfig, logger: Logger) =>
            new PresetCatalog(store.presets, logger, { directory: config.presetsDir, pollMs: config.presetPollMs }),
          inject: [PROVISIONING_STORE, PROVISIONING_CONFIG, LOGGER],
        },
        {
          provide: PROVISIONING_CORE,
          useFactory: (store: ProvisioningStore, config: ProvisioningConfig, catalog: PresetCatalog, queue: DeviceQueue, bus: EventBus, sessions: SessionStore, logger: Logger): ProvisioningCore => {
            const onDeviceDeleted = (device: { id: string; oui: string; productClass: string; serialNumber: string }) =>
              bus.publish([
                newEvent(AcsDeviceEventType.deleted, device.id, { deviceId: device.id, oui: device.oui, productClass: device.productClass, serialNumber: device.serialNumber }),
              ]);
            return createProvisioningCore({ store, queue, bus, sessions, presets: catalog, logger, config, onDeviceDeleted });
          },
          inject: [PROVISIONING_STORE, PROVISIONING_CONFIG, PresetCatalog, DEVICE_QUEUE, EVENT_BUS, SESSION_STORE, LOGGER],
        },
        { provide: TaskLifecycle, useFactory: (core: ProvisioningCore) => core.lifecycle, inject: [PROVISIONING_CORE] },
        { provide: PROVISIONING_USE_CASES, useFactory: (core: ProvisioningCore) => core.useCases, inject: [PROVISIONING_CORE] },
        {
          provide: ProvisioningConsumer,
          useFactory: (bus: EventBus, useCases: ProvisioningUseCases, logger: Logger) => new ProvisioningConsumer(bus, useCases.applyInform, useCases.recordRpcResult, logger),
          inject: [EVENT_BUS, PROVISIONING_USE_CASES, LOGGER],
        },
        {
          provide: PROVISIONING_GRPC_HOST,
          useFactory: (useCases: ProvisioningUseCases, config: ProvisioningConfig, logger: Logger, metrics: Registry, hosts: GrpcHostRegistry) => {
            const host = new GrpcServerHost({
              host: config.grpc.host,
              port: config.grpc.port,
              descriptorSets: [acsV1DescriptorSet],
              interceptors: [grpcMetricsInterceptor(metrics)],
              logger,
            });
            // The public services themselves are provisioning's API: the NBI relays them, other services call them.
            const api = new ProvisioningGrpcController(useCases).implementation;
            host
              .addService(acsV1.DeviceServiceService, api.devices)
              .addService(acsV1.TaskServiceService, api.tasks)
              .addService(acsV1.PresetServiceService, api.presets)
              .addService(acsV1.FaultServiceService, api.faults);
            hosts.register(SERVICE_NAME, host);
            return host;
          },
          inject: [PROVISIONING_USE_CASES, PROVISIONING_CONFIG, LOGGER, METRICS_REGISTRY, GRPC_HOSTS],
        },
        ProvisioningLifecycle,
      ],
      exports: [TaskLifecycle, PROVISIONING_USE_CASES, PresetCatalog, PROVISIONING_GRPC_HOST, PROVISIONING_STORE, PROVISIONING_CONFIG],
    };
  }
}
