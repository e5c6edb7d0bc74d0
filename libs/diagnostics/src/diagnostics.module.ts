import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DIAGNOSTICS_API, GROUPING_API, groupingClient, PROVISIONING_API, provisioningClient, type ProvisioningClient, type ServiceTransport } from '@acs/clients';
import { acsV1, acsV1DescriptorSet } from '@acs/contracts';
import {
  EVENT_BUS,
  GRPC_HOSTS,
  GrpcServerHost,
  grpcMetricsInterceptor,
  HEALTH_REGISTRY,
  LOGGER,
  METRICS_REGISTRY,
  PeriodicRounds,
  type EventBus,
  type GrpcHostRegistry,
  type HealthRegistry,
  type Logger,
} from '@acs/platform';

import { AlarmGrpcController } from './alarms/api/alarm-grpc.controller';
import { AlarmEventPublisher } from './alarms/service/alarm-event.publisher';
import { ServiceRuleTargets } from './alarms/service/service-rule-targets';
import { createAlarmUseCases, type AlarmUseCases } from './alarms/usecases/alarm-usecases';
import { DiagnosticsGrpcController } from './api/diagnostics-grpc.controller';
import { loadDiagnosticsConfig, type DiagnosticsConfig } from './diagnostics.config';
import { ProvisioningDiagnosticsDevices, ProvisioningDiagnosticsTasks } from './provisioning/provisioning-diagnostics';
import type { DiagnosticsStore } from './repositories/ports';
import { RunEventPublisher } from './service/run-event.publisher';
import { RunTaskEventsConsumer } from './service/run-task-events.consumer';
import { RunTimeoutSweeper } from './service/run-timeout.sweeper';
import { MeteredRunEvents } from './service/run.metrics';
import { createRunUseCases, type RunUseCases } from './usecases/run-usecases';

export const DIAGNOSTICS_STORE = Symbol('DiagnosticsStore');
export const DIAGNOSTICS_CONFIG = Symbol('DiagnosticsConfig');
/** The test runs' use cases (RunUseCases). */
export const DIAGNOSTICS_RUNS = Symbol('DiagnosticsRuns');
/** The diagnostics service's GrpcServerHost, also in the process's GrpcHostRegistry under `diagnostics` (DIAGNOSTICS_API.dependency). */
export const DIAGNOSTICS_GRPC_HOST = Symbol('DiagnosticsGrpcHost');
/** Provisioning's client as the diagnostics service reaches it (in process or over gRPC): the parts' adapters share it. */
export const DIAGNOSTICS_PROVISIONING = Symbol('DiagnosticsProvisioningClient');
const DIAGNOSTICS_MODULE_OPTIONS = Symbol('DiagnosticsModuleOptions');
/** The threshold rules' and alarms' use cases (AlarmUseCases). */
export const DIAGNOSTICS_ALARMS = Symbol('DiagnosticsAlarms');
/** The runs' running parts: the acs.task consumer and the timeout sweeper, started after the app is wired. */
const DIAGNOSTICS_RUN_RUNTIME = Symbol('DiagnosticsRunRuntime');

interface RunRuntime {
  consumer: RunTaskEventsConsumer;
  sweeper: RunTimeoutSweeper;
  /** The retention of cleared alarms. */
  alarmPurge: PeriodicRounds;
}

export interface DiagnosticsModuleOptions {
  store: DiagnosticsStore;
  config?: DiagnosticsConfig;
  /**
   * Provisioning reached in process (`in-process`: the standalone, through the process's host registry) or over
   * gRPC (a pod: `{ address }` from ACS_DIAGNOSTICS_PROVISIONING_ADDRESS). Default: the configured address.
   */
  provisioning?: ServiceTransport | 'in-process';
  /** Grouping (the groups threshold rules target) likewise. Default: the configured address. */
  grouping?: ServiceTransport | 'in-process';
  /**
   * Whether the gRPC API listens on config.grpc (a diagnostics pod) or is only reached in process through the host
   * registry (the standalone, where the NBI is its only caller). Default: listens.
   */
  listen?: boolean;
}

/**
 * Starts following task events and the timeout sweeper once the app is wired, then (a pod) the gRPC API; on shutdown
 * stops the API (calls in flight get its grace time), the sweeper and the consumer, then closes the store.
 */
@Injectable()
export class DiagnosticsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DIAGNOSTICS_STORE) private readonly store: DiagnosticsStore,
    @Inject(DIAGNOSTICS_RUN_RUNTIME) private readonly runs: RunRuntime,
    @Inject(DIAGNOSTICS_GRPC_HOST) private readonly grpc: GrpcServerHost,
    @Inject(DIAGNOSTICS_CONFIG) private readonly config: DiagnosticsConfig,
    @Inject(DIAGNOSTICS_MODULE_OPTIONS) private readonly options: { listen: boolean },
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
  ) {
    health.register({ name: 'diagnostics-store', check: async () => void (await store.runs.get('health-check')) });
    if (options.listen) health.register(grpc.healthCheck('diagnostics-grpc'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runs.consumer.start();
    this.runs.sweeper.start();
    this.runs.alarmPurge.start();
    if (!this.options.listen) return;
    const port = await this.grpc.start();
    this.logger.info({ lifecycle: 'listening', host: this.config.grpc.host, port }, 'diagnostics gRPC API listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'diagnostics draining: the gRPC API, the timeout sweeper and task events stop, then the store closes');
    await this.grpc.stop();
    await this.runs.sweeper.stop();
    await this.runs.alarmPurge.stop();
    await this.runs.consumer.stop();
    await this.store.close();
  }
}

/** The diagnostics service: TR-143 test runs, threshold rules and alarms (issue 15). Expects the ports from PlatformModule. */
@Module({})
export class DiagnosticsModule {
  static forRoot(options: DiagnosticsModuleOptions): DynamicModule {
    return {
      module: DiagnosticsModule,
      providers: [
        { provide: DIAGNOSTICS_MODULE_OPTIONS, useValue: { listen: options.listen !== false } },
        { provide: DIAGNOSTICS_STORE, useValue: options.store },
        { provide: DIAGNOSTICS_CONFIG, useFactory: () => options.config ?? loadDiagnosticsConfig() },
        {
          provide: DIAGNOSTICS_PROVISIONING,
          useFactory: (config: DiagnosticsConfig, hosts: GrpcHostRegistry): ProvisioningClient => {
            const transport = options.provisioning ?? { address: config.provisioningAddress };
            return provisioningClient(transport === 'in-process' ? { host: () => hosts.get(PROVISIONING_API.dependency) } : transport);
          },
          inject: [DIAGNOSTICS_CONFIG, GRPC_HOSTS],
        },
        {
          provide: DIAGNOSTICS_RUNS,
          useFactory: (store: DiagnosticsStore, config: DiagnosticsConfig, logger: Logger, bus: EventBus, provisioning: ProvisioningClient, metrics: Registry): RunUseCases =>
            createRunUseCases({
              store,
              devices: new ProvisioningDiagnosticsDevices(provisioning),
              tasks: new ProvisioningDiagnosticsTasks(provisioning),
              events: new MeteredRunEvents(new RunEventPublisher({ bus, logger }), metrics),
              logger,
              defaultTimeoutMs: config.runs.timeoutMs,
            }),
          inject: [DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, LOGGER, EVENT_BUS, DIAGNOSTICS_PROVISIONING, METRICS_REGISTRY],
        },
        {
          provide: DIAGNOSTICS_ALARMS,
          useFactory: (store: DiagnosticsStore, config: DiagnosticsConfig, logger: Logger, bus: EventBus, provisioning: ProvisioningClient, hosts: GrpcHostRegistry): AlarmUseCases => {
            const transport = options.grouping ?? { address: config.groupingAddress };
            const grouping = groupingClient(transport === 'in-process' ? { host: () => hosts.get(GROUPING_API.dependency) } : transport);
            return createAlarmUseCases({
              store: store.alarms,
              targets: new ServiceRuleTargets(provisioning, grouping),
              events: new AlarmEventPublisher(bus),
              logger,
              staleAfterSeconds: config.alarms.staleAfterSeconds,
            });
          },
          inject: [DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, LOGGER, EVENT_BUS, DIAGNOSTICS_PROVISIONING, GRPC_HOSTS],
        },
        {
          provide: DIAGNOSTICS_RUN_RUNTIME,
          useFactory: (runs: RunUseCases, alarms: AlarmUseCases, config: DiagnosticsConfig, bus: EventBus, logger: Logger): RunRuntime => ({
            consumer: new RunTaskEventsConsumer(bus, runs.followRunTask, logger),
            sweeper: new RunTimeoutSweeper(runs.timeOutRuns, { intervalMs: config.runs.sweepMs }, logger),
            alarmPurge: new PeriodicRounds({
              name: 'cleared-alarm retention',
              intervalMs: config.alarms.purgeMs,
              round: () => alarms.purgeClearedAlarms.execute(config.alarms.retentionDays),
              logger,
            }),
          }),
          inject: [DIAGNOSTICS_RUNS, DIAGNOSTICS_ALARMS, DIAGNOSTICS_CONFIG, EVENT_BUS, LOGGER],
        },
        {
          provide: DIAGNOSTICS_GRPC_HOST,
          useFactory: (runs: RunUseCases, alarms: AlarmUseCases, config: DiagnosticsConfig, logger: Logger, metrics: Registry, hosts: GrpcHostRegistry): GrpcServerHost => {
            // The one place the diagnostics gRPC services are added: each public service of DIAGNOSTICS_API is one addService here.
            const host = new GrpcServerHost({
              host: config.grpc.host,
              port: config.grpc.port,
              descriptorSets: [acsV1DescriptorSet],
              interceptors: [grpcMetricsInterceptor(metrics)],
              logger,
            });
            host.addService(acsV1.DiagnosticsServiceService, new DiagnosticsGrpcController(runs).implementation);
            host.addService(acsV1.MonitoringServiceService, new AlarmGrpcController(alarms).implementation);
            hosts.register(DIAGNOSTICS_API.dependency, host);
            return host;
          },
          inject: [DIAGNOSTICS_RUNS, DIAGNOSTICS_ALARMS, DIAGNOSTICS_CONFIG, LOGGER, METRICS_REGISTRY, GRPC_HOSTS],
        },
        DiagnosticsLifecycle,
      ],
      exports: [DIAGNOSTICS_RUNS, DIAGNOSTICS_ALARMS, DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, DIAGNOSTICS_GRPC_HOST, DIAGNOSTICS_PROVISIONING],
    };
  }
}
