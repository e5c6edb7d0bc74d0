import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PROVISIONING_API, provisioningClient, type ProvisioningClient, type ServiceTransport } from '@acs/clients';
import { EVENT_BUS, GRPC_HOSTS, HEALTH_REGISTRY, LOGGER, type EventBus, type GrpcHostRegistry, type HealthRegistry, type Logger } from '@acs/platform';

import { loadGroupingConfig, type GroupingConfig } from './grouping.config';
import { ProvisioningDeviceInventory } from './provisioning/provisioning-inventory';
import { ProvisioningJobTasks } from './provisioning/provisioning-tasks';
import type { GroupingStore } from './repositories/ports';
import { DeviceEventsConsumer } from './service/device-events.consumer';
import { GroupEventPublisher } from './service/group-event.publisher';
import { JobEventPublisher } from './service/job-event.publisher';
import { JobTaskEventsConsumer } from './service/job-task-events.consumer';
import { JobScheduler } from './service/job.scheduler';
import { createGroupingCore, type GroupingCore } from './usecases/grouping-usecases';
import { createJobCore, type JobCore } from './usecases/job-usecases';

export const GROUPING_STORE = Symbol('GroupingStore');
export const GROUPING_CONFIG = Symbol('GroupingConfig');
/** The use cases and the membership maintainer (GroupingCore). */
export const GROUPING_CORE = Symbol('GroupingCore');
/**
 * The bulk jobs' core (JobCore: use cases, engine, run starter). The grouping gRPC host serves its JobService:
 * `host.addService(...jobGrpcServices(jobCore))` (api/job-grpc.controller.ts).
 */
export const GROUPING_JOBS = Symbol('GroupingJobs');
const GROUPING_CONSUMER = Symbol('GroupingDeviceEventsConsumer');
const GROUPING_PROVISIONING = Symbol('GroupingProvisioningClient');
/** The jobs' running parts: the acs.task consumer and the scheduler, started after the app is wired. */
const GROUPING_JOB_RUNTIME = Symbol('GroupingJobRuntime');

interface JobRuntime {
  consumer: JobTaskEventsConsumer;
  scheduler: JobScheduler;
}

export interface GroupingModuleOptions {
  store: GroupingStore;
  config?: GroupingConfig;
  /**
   * Provisioning reached in process (`in-process`: the standalone, through the process's host registry) or over
   * gRPC (a pod: `{ address }` from ACS_GROUPING_PROVISIONING_ADDRESS). Default: the configured address.
   */
  provisioning?: ServiceTransport | 'in-process';
}

/**
 * Starts following device and task events and the jobs' scheduler once the app is wired; on shutdown stops the
 * scheduler (no task is created after) and the consumers, then closes the store.
 */
@Injectable()
export class GroupingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(GROUPING_STORE) private readonly store: GroupingStore,
    @Inject(GROUPING_CONSUMER) private readonly consumer: DeviceEventsConsumer,
    @Inject(GROUPING_JOB_RUNTIME) private readonly jobs: JobRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
  ) {
    health.register({ name: 'grouping-store', check: async () => void (await store.groups.get('health-check')) });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    await this.jobs.consumer.start();
    this.jobs.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'grouping draining: jobs stop starting devices, device and task events stop, then the store closes');
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
          useFactory: (store: GroupingStore, config: GroupingConfig, logger: Logger, bus: EventBus, provisioning: ProvisioningClient): JobCore =>
            createJobCore({
              store,
              inventory: new ProvisioningDeviceInventory(provisioning),
              tasks: new ProvisioningJobTasks(provisioning),
              events: new JobEventPublisher({ bus, jobs: store.jobs, rollouts: store.rollouts, logger }),
              owner: config.jobs.podName,
              leaseMs: config.jobs.leaseMs,
              logger,
            }),
          inject: [GROUPING_STORE, GROUPING_CONFIG, LOGGER, EVENT_BUS, GROUPING_PROVISIONING],
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
        GroupingLifecycle,
      ],
      exports: [GROUPING_CORE, GROUPING_JOBS, GROUPING_STORE, GROUPING_CONFIG],
    };
  }
}
