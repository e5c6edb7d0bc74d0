import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { FIRMWARE_API, firmwareClient, GROUPING_API, PROVISIONING_API, provisioningClient, type FirmwareClient, type ProvisioningClient, type ServiceTransport } from '@acs/clients';
import { acsV1, acsV1DescriptorSet } from '@acs/contracts';
import {
  EVENT_BUS,
  GRPC_HOSTS,
  GrpcServerHost,
  grpcMetricsInterceptor,
  HEALTH_REGISTRY,
  LOGGER,
  METRICS_REGISTRY,
  type EventBus,
  type GrpcHostRegistry,
  type HealthRegistry,
  type Logger,
} from '@acs/platform';

import { GroupGrpcController } from './api/group-grpc.controller';
import { jobGrpcServices } from './api/job-grpc.controller';
import { FirmwareJobCampaigns } from './firmware/firmware-campaigns';
import { loadGroupingConfig, type GroupingConfig } from './grouping.config';
import { ProvisioningDeviceInventory } from './provisioning/provisioning-inventory';
import { ProvisioningJobTasks } from './provisioning/provisioning-tasks';
import type { GroupingStore } from './repositories/ports';
import { DeviceEventsConsumer } from './service/device-events.consumer';
import { GroupEventPublisher } from './service/group-event.publisher';
import { JobEventPublisher } from './service/job-event.publisher';
import { JobTaskEventsConsumer } from './service/job-task-events.consumer';
import { JobScheduler } from './service/job.scheduler';
import { PeriodicReevaluation } from './service/periodic-reevaluation';
import { createGroupingCore, type GroupingCore } from './usecases/grouping-usecases';
import { createJobCore, type JobCore } from './usecases/job-usecases';

export const GROUPING_STORE = Symbol('GroupingStore');
export const GROUPING_CONFIG = Symbol('GroupingConfig');
/** The use cases and the membership maintainer (GroupingCore). */
export const GROUPING_CORE = Symbol('GroupingCore');
/** The bulk jobs' core (JobCore: use cases, engine, run starter); the grouping gRPC host serves its JobService. */
export const GROUPING_JOBS = Symbol('GroupingJobs');
/** The grouping service's GrpcServerHost, also in the process's GrpcHostRegistry under `grouping` (GROUPING_API.dependency). */
export const GROUPING_GRPC_HOST = Symbol('GroupingGrpcHost');
const GROUPING_MODULE_OPTIONS = Symbol('GroupingModuleOptions');
const GROUPING_CONSUMER = Symbol('GroupingDeviceEventsConsumer');
const GROUPING_PROVISIONING = Symbol('GroupingProvisioningClient');
const GROUPING_FIRMWARE = Symbol('GroupingFirmwareClient');
/** The jobs' running parts: the acs.task consumer and the scheduler, started after the app is wired. */
const GROUPING_JOB_RUNTIME = Symbol('GroupingJobRuntime');

interface JobRuntime {
  consumer: JobTaskEventsConsumer;
  scheduler: JobScheduler;
}
const GROUPING_REEVALUATION = Symbol('GroupingPeriodicReevaluation');

export interface GroupingModuleOptions {
  store: GroupingStore;
  config?: GroupingConfig;
  /**
   * Provisioning reached in process (`in-process`: the standalone, through the process's host registry) or over
   * gRPC (a pod: `{ address }` from ACS_GROUPING_PROVISIONING_ADDRESS). Default: the configured address.
   */
  provisioning?: ServiceTransport | 'in-process';
  /**
   * The firmware service, for the campaign jobs: in process (the standalone) or over gRPC (a pod: `{ address }` from
   * ACS_GROUPING_FIRMWARE_ADDRESS), or `none` (a process without a firmware service: campaign jobs' runs fail, saying
   * so). Default: the configured address. It is first called when a campaign job runs.
   */
  firmware?: ServiceTransport | 'in-process' | 'none';
  /**
   * Whether the gRPC API listens on config.grpc (a grouping pod) or is only reached in process through the host
   * registry (the standalone, where the NBI is its only caller). Default: listens.
   */
  listen?: boolean;
}

/**
 * Starts following device and task events, the periodic re-evaluation and the jobs' scheduler once the app is wired,
 * then (a pod) the gRPC API; on shutdown stops the API (calls in flight get its grace time), the re-evaluation, the
 * jobs' scheduler (no task is created after) and the consumers, then closes the store.
 */
@Injectable()
export class GroupingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(GROUPING_STORE) private readonly store: GroupingStore,
    @Inject(GROUPING_CONSUMER) private readonly consumer: DeviceEventsConsumer,
    @Inject(GROUPING_JOB_RUNTIME) private readonly jobs: JobRuntime,
    @Inject(GROUPING_GRPC_HOST) private readonly grpc: GrpcServerHost,
    @Inject(GROUPING_CONFIG) private readonly config: GroupingConfig,
    @Inject(GROUPING_MODULE_OPTIONS) private readonly options: { listen: boolean },
    @Inject(GROUPING_REEVALUATION) private readonly reevaluation: PeriodicReevaluation,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
  ) {
    health.register({ name: 'grouping-store', check: async () => void (await store.groups.get('health-check')) });
    if (options.listen) health.register(grpc.healthCheck('grouping-grpc'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.reevaluation.start();
    await this.jobs.consumer.start();
    this.jobs.scheduler.start();
    if (!this.options.listen) return;
    const port = await this.grpc.start();
    this.logger.info({ lifecycle: 'listening', host: this.config.grpc.host, port }, 'grouping gRPC API listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'grouping draining: the gRPC API, re-evaluation, jobs and device and task events stop, then the store closes');
    await this.grpc.stop();
    await this.reevaluation.stop();
    await this.jobs.scheduler.stop();
    await this.jobs.consumer.stop();
    await this.consumer.stop();
    await this.store.close();
  }
}

/** The grouping service: groups and their membership, and bulk jobs (issue 14). Expects the ports from PlatformModule. */
@Module({})
export class GroupingModule {
  static forRoot(options: GroupingModuleOptions): DynamicModule {
    return {
      module: GroupingModule,
      providers: [
        { provide: GROUPING_MODULE_OPTIONS, useValue: { listen: options.listen !== false } },
        { provide: GROUPING_STORE, useValue: options.store },
        { provide: GROUPING_CONFIG, useFactory: () => options.config ?? loadGroupingConfig() },
        {
          provide: GROUPING_PROVISIONING,
          useFactory: (config: GroupingConfig, hosts: GrpcHostRegistry): ProvisioningClient => {
            const transport = options.provisioning ?? { address: config.provisioningAddress };
            return provisioningClient(transport === 'in-process' ? { host: () => hosts.get(PROVISIONING_API.dependency) } : transport);
          },
          inject: [GROUPING_CONFIG, GRPC_HOSTS],
        },
        {
          provide: GROUPING_FIRMWARE,
          useFactory: (config: GroupingConfig, hosts: GrpcHostRegistry): FirmwareClient | null => {
            if (options.firmware === 'none') return null;
            const transport = options.firmware ?? { address: config.firmwareAddress };
            return firmwareClient(transport === 'in-process' ? { host: () => hosts.get(FIRMWARE_API.dependency) } : transport);
          },
          inject: [GROUPING_CONFIG, GRPC_HOSTS],
        },
        {
          provide: GROUPING_CORE,
          useFactory: (store: GroupingStore, config: GroupingConfig, logger: Logger, bus: EventBus, provisioning: ProvisioningClient): GroupingCore =>
            createGroupingCore({
              store,
              inventory: new ProvisioningDeviceInventory(provisioning),
              events: new GroupEventPublisher({ bus, logger, now: Date.now }),
              logger,
              pageSize: config.pageSize,
            }),
          inject: [GROUPING_STORE, GROUPING_CONFIG, LOGGER, EVENT_BUS, GROUPING_PROVISIONING],
        },
        {
          provide: GROUPING_JOBS,
          useFactory: (store: GroupingStore, config: GroupingConfig, logger: Logger, bus: EventBus, provisioning: ProvisioningClient, firmware: FirmwareClient | null): JobCore =>
            createJobCore({
              store,
              inventory: new ProvisioningDeviceInventory(provisioning),
              tasks: new ProvisioningJobTasks(provisioning),
              ...(firmware ? { campaigns: new FirmwareJobCampaigns(firmware) } : {}),
              events: new JobEventPublisher({ bus, jobs: store.jobs, rollouts: store.rollouts, logger }),
              owner: config.podName,
              leaseMs: config.jobs.leaseMs,
              logger,
            }),
          inject: [GROUPING_STORE, GROUPING_CONFIG, LOGGER, EVENT_BUS, GROUPING_PROVISIONING, GROUPING_FIRMWARE],
        },
        {
          provide: GROUPING_JOB_RUNTIME,
          useFactory: (jobs: JobCore, config: GroupingConfig, bus: EventBus, logger: Logger): JobRuntime => ({
            consumer: new JobTaskEventsConsumer(bus, jobs.useCases.recordJobOutcome, logger),
            scheduler: new JobScheduler(() => jobs.round(), { intervalMs: config.jobs.tickMs }, logger),
          }),
          inject: [GROUPING_JOBS, GROUPING_CONFIG, EVENT_BUS, LOGGER],
        },
        {
          provide: GROUPING_CONSUMER,
          useFactory: (core: GroupingCore, bus: EventBus, logger: Logger) => new DeviceEventsConsumer(bus, core.useCases.applyDeviceEvent, logger),
          inject: [GROUPING_CORE, EVENT_BUS, LOGGER],
        },
        {
          provide: GROUPING_GRPC_HOST,
          useFactory: (core: GroupingCore, config: GroupingConfig, logger: Logger, metrics: Registry, hosts: GrpcHostRegistry, jobs: JobCore): GrpcServerHost => {
            // The one place grouping's gRPC services are added: each public service of GROUPING_API is one addService here.
            const host = new GrpcServerHost({
              host: config.grpc.host,
              port: config.grpc.port,
              descriptorSets: [acsV1DescriptorSet],
              interceptors: [grpcMetricsInterceptor(metrics)],
              logger,
            });
            host.addService(acsV1.GroupServiceService, new GroupGrpcController(core.useCases).implementation);
            host.addService(...jobGrpcServices(jobs));
            hosts.register(GROUPING_API.dependency, host);
            return host;
          },
          inject: [GROUPING_CORE, GROUPING_CONFIG, LOGGER, METRICS_REGISTRY, GRPC_HOSTS, GROUPING_JOBS],
        },
        {
          provide: GROUPING_REEVALUATION,
          useFactory: (core: GroupingCore, store: GroupingStore, config: GroupingConfig, logger: Logger) =>
            new PeriodicReevaluation({ leases: store.leases, reevaluate: core.useCases.reevaluateUneventedGroups, owner: config.podName, intervalMs: config.reevaluateMs, now: Date.now, logger }),
          inject: [GROUPING_CORE, GROUPING_STORE, GROUPING_CONFIG, LOGGER],
        },
        GroupingLifecycle,
      ],
      exports: [GROUPING_CORE, GROUPING_JOBS, GROUPING_STORE, GROUPING_CONFIG, GROUPING_GRPC_HOST],
    };
  }
}
