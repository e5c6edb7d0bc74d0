import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PROVISIONING_API, provisioningClient, type ServiceTransport } from '@acs/clients';
import { EVENT_BUS, GRPC_HOSTS, HEALTH_REGISTRY, LOGGER, type EventBus, type GrpcHostRegistry, type HealthRegistry, type Logger } from '@acs/platform';

import { loadGroupingConfig, type GroupingConfig } from './grouping.config';
import { ProvisioningDeviceInventory } from './provisioning/provisioning-inventory';
import type { GroupingStore } from './repositories/ports';
import { DeviceEventsConsumer } from './service/device-events.consumer';
import { GroupEventPublisher } from './service/group-event.publisher';
import { PeriodicReevaluation } from './service/periodic-reevaluation';
import { createGroupingCore, type GroupingCore } from './usecases/grouping-usecases';

export const GROUPING_STORE = Symbol('GroupingStore');
export const GROUPING_CONFIG = Symbol('GroupingConfig');
/** The use cases and the membership maintainer (GroupingCore). */
export const GROUPING_CORE = Symbol('GroupingCore');
const GROUPING_CONSUMER = Symbol('GroupingDeviceEventsConsumer');
const GROUPING_REEVALUATION = Symbol('GroupingPeriodicReevaluation');

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
 * Starts following device events and the periodic re-evaluation once the app is wired; on shutdown stops both, then
 * closes the store.
 */
@Injectable()
export class GroupingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(GROUPING_STORE) private readonly store: GroupingStore,
    @Inject(GROUPING_CONSUMER) private readonly consumer: DeviceEventsConsumer,
    @Inject(GROUPING_REEVALUATION) private readonly reevaluation: PeriodicReevaluation,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
  ) {
    health.register({ name: 'grouping-store', check: async () => void (await store.groups.get('health-check')) });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.reevaluation.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'grouping draining: device events stop, then the store closes');
    await this.reevaluation.stop();
    await this.consumer.stop();
    await this.store.close();
  }
}

/** The grouping service: groups and their membership (issue 14). Expects the ports from PlatformModule. */
@Module({})
export class GroupingModule {
  static forRoot(options: GroupingModuleOptions): DynamicModule {
    return {
      module: GroupingModule,
      providers: [
        { provide: GROUPING_STORE, useValue: options.store },
        { provide: GROUPING_CONFIG, useFactory: () => options.config ?? loadGroupingConfig() },
        {
          provide: GROUPING_CORE,
          useFactory: (store: GroupingStore, config: GroupingConfig, logger: Logger, bus: EventBus, hosts: GrpcHostRegistry): GroupingCore => {
            const transport = options.provisioning ?? { address: config.provisioningAddress };
            const provisioning = provisioningClient(transport === 'in-process' ? { host: () => hosts.get(PROVISIONING_API.dependency) } : transport);
            return createGroupingCore({
              store,
              inventory: new ProvisioningDeviceInventory(provisioning),
              events: new GroupEventPublisher({ bus, logger, now: Date.now }),
              logger,
              pageSize: config.pageSize,
            });
          },
          inject: [GROUPING_STORE, GROUPING_CONFIG, LOGGER, EVENT_BUS, GRPC_HOSTS],
        },
        {
          provide: GROUPING_CONSUMER,
          useFactory: (core: GroupingCore, bus: EventBus, logger: Logger) => new DeviceEventsConsumer(bus, core.useCases.applyDeviceEvent, logger),
          inject: [GROUPING_CORE, EVENT_BUS, LOGGER],
        },
        {
          provide: GROUPING_REEVALUATION,
          useFactory: (core: GroupingCore, store: GroupingStore, config: GroupingConfig, logger: Logger) =>
            new PeriodicReevaluation({ leases: store.leases, reevaluate: core.useCases.reevaluateUneventedGroups, owner: config.podName, intervalMs: config.reevaluateMs, now: Date.now, logger }),
          inject: [GROUPING_CORE, GROUPING_STORE, GROUPING_CONFIG, LOGGER],
        },
        GroupingLifecycle,
      ],
      exports: [GROUPING_CORE, GROUPING_STORE, GROUPING_CONFIG],
    };
  }
}
