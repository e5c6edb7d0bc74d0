import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

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
import { DiagnosticsHttpMetrics } from './http/diagnostics-http.metrics';
import { resolveDiagnosticsHttpSecret } from './http/diagnostics-http.secret';
import { DiagnosticsHttpServer } from './http/diagnostics-http.server';
import { MonitoringSamplesGrpcController } from './monitoring/api/monitoring-samples-grpc.controller';
import { MonitoringCollection } from './monitoring/collection/monitoring-collection';
import { ProvisioningCollectionTasks, ServiceTargetMembers } from './monitoring/collection/service-collection-adapters';
import { BulkDataIngest } from './monitoring/service/bulkdata-ingest';
import { createMonitoringUseCases, type MonitoringUseCases } from './monitoring/usecases/monitoring-usecases';
import { loadDiagnosticsConfig, type DiagnosticsConfig } from './diagnostics.config';
import { ProvisioningDiagnosticsDevices, ProvisioningDiagnosticsTasks, ProvisioningDiagnosticsTasksNow } from './provisioning/provisioning-diagnostics';
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
/** Monitoring's use cases (MonitoringUseCases): samples, profiles, the rollup. */
export const DIAGNOSTICS_MONITORING = Symbol('DiagnosticsMonitoring');
/** The HTTP server of TR-143 test transfers and the BulkData collector (DiagnosticsHttpServer). */
export const DIAGNOSTICS_HTTP = Symbol('DiagnosticsHttp');
/** The threshold rules' and alarms' use cases (AlarmUseCases). */
export const DIAGNOSTICS_ALARMS = Symbol('DiagnosticsAlarms');
/** The runs' running parts: the acs.task consumer and the timeout sweeper, started after the app is wired. */
const DIAGNOSTICS_RUN_RUNTIME = Symbol('DiagnosticsRunRuntime');
/** Sample collection (MonitoringCollection): Inform values, reads at periodic Informs, BulkData set-up. */
export const DIAGNOSTICS_COLLECTION = Symbol('DiagnosticsCollection');
/** Sample collection's rounds walk the profiles' targets on one pod at a time. */
const COLLECTION_LEASE = 'monitoring-collection';
/** This process's name on the service's leases. */
const POD_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

interface RunRuntime {
  consumer: RunTaskEventsConsumer;
  sweeper: RunTimeoutSweeper;
  /** The retention of cleared alarms. */
  alarmPurge: PeriodicRounds;
  /** Monitoring's rollup and retention of samples, on the pod holding its lease. */
  rollup: PeriodicRounds;
}

/** How long a pod keeps the rollup lease past a round: two rounds, so a pod that stops is replaced within that. */
const ROLLUP_LEASE = 'monitoring-rollup';

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
   * Where the standalone keeps the HTTP server's generated URL secret when ACS_DIAGNOSTICS_HTTP_SECRET is unset (its
   * data directory, so BulkData URLs configured on CPEs survive a restart). Pods: none (a secret per process, warned).
   */
  httpSecretDir?: string;
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
    @Inject(DIAGNOSTICS_HTTP) private readonly http: DiagnosticsHttpServer,
    @Inject(DIAGNOSTICS_COLLECTION) private readonly collection: MonitoringCollection,
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
    this.runs.rollup.start();
    const { http, https } = await this.http.start();
    this.logger.info({ lifecycle: 'listening', port: http.port, ...(https ? { tlsPort: https.port } : {}), url: this.http.baseUrl }, 'diagnostics HTTP (test transfers, BulkData collector) listening');
    // After the HTTP server: BulkData profiles are set up with its URL.
    await this.collection.start();
    if (!this.options.listen) return;
    const port = await this.grpc.start();
    this.logger.info({ lifecycle: 'listening', host: this.config.grpc.host, port }, 'diagnostics gRPC API listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'diagnostics draining: the gRPC API, the timeout sweeper and task events stop, then the store closes');
    await this.grpc.stop();
    await this.collection.stop();
    // Transfers under way get a few seconds to finish: a CPE whose test is cut reports Error_TransferFailed, no data lost.
    await this.http.stop(5000);
    await this.runs.sweeper.stop();
    await this.runs.alarmPurge.stop();
    await this.runs.rollup.stop();
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
          useFactory: (store: DiagnosticsStore, config: DiagnosticsConfig, logger: Logger, bus: EventBus, provisioning: ProvisioningClient, metrics: Registry, http: DiagnosticsHttpServer): RunUseCases =>
            createRunUseCases({
              store,
              devices: new ProvisioningDiagnosticsDevices(provisioning),
              tasks: new ProvisioningDiagnosticsTasks(provisioning),
              tasksNow: new ProvisioningDiagnosticsTasksNow(provisioning),
              events: new MeteredRunEvents(new RunEventPublisher({ bus, logger }), metrics),
              logger,
              defaultTimeoutMs: config.runs.timeoutMs,
              testUrls: {
                maxBytes: config.http.transfers.maxBytes,
                issueDownloadUrl: (grant) => http.issueDownloadUrl(grant),
                issueUploadUrl: (grant) => http.issueUploadUrl(grant),
              },
            }),
          inject: [DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, LOGGER, EVENT_BUS, DIAGNOSTICS_PROVISIONING, METRICS_REGISTRY, DIAGNOSTICS_HTTP],
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
          provide: DIAGNOSTICS_MONITORING,
          useFactory: (store: DiagnosticsStore, config: DiagnosticsConfig, alarms: AlarmUseCases): MonitoringUseCases =>
            createMonitoringUseCases({
              store: store.monitoring,
              // Every point ingested is held against the threshold rules once its samples are stored.
              listener: { onPoints: async (points) => void (await alarms.evaluateThresholds.execute([...points])) },
              retention: config.monitoring.retention,
              ingestConcurrency: config.monitoring.ingestConcurrency,
            }),
          inject: [DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, DIAGNOSTICS_ALARMS],
        },
        {
          provide: DIAGNOSTICS_HTTP,
          useFactory: async (config: DiagnosticsConfig, monitoring: MonitoringUseCases, logger: Logger, metrics: Registry): Promise<DiagnosticsHttpServer> =>
            new DiagnosticsHttpServer({
              config: config.http,
              secret: await resolveDiagnosticsHttpSecret({ config: config.http, logger, dataDir: options.httpSecretDir }),
              sink: new BulkDataIngest(monitoring.ingestSamples),
              metrics: new DiagnosticsHttpMetrics(metrics),
              logger,
            }),
          inject: [DIAGNOSTICS_CONFIG, DIAGNOSTICS_MONITORING, LOGGER, METRICS_REGISTRY],
        },
        {
          provide: DIAGNOSTICS_COLLECTION,
          useFactory: (
            store: DiagnosticsStore,
            config: DiagnosticsConfig,
            monitoring: MonitoringUseCases,
            http: DiagnosticsHttpServer,
            provisioning: ProvisioningClient,
            hosts: GrpcHostRegistry,
            bus: EventBus,
            logger: Logger,
          ): MonitoringCollection => {
            const transport = options.grouping ?? { address: config.groupingAddress };
            const grouping = groupingClient(transport === 'in-process' ? { host: () => hosts.get(GROUPING_API.dependency) } : transport);
            const { roundMs, devicesPerRound, walkMs } = config.monitoring.collection;
            return new MonitoringCollection({
              bus,
              entries: store.collectionEntries,
              profiles: store.monitoring.profiles,
              catalog: monitoring.catalog,
              deviceStates: store.monitoring.devices,
              ingest: monitoring.ingestSamples,
              members: new ServiceTargetMembers(provisioning, grouping),
              tasks: new ProvisioningCollectionTasks(provisioning),
              bulkDataUrls: http,
              logger,
              roundMs,
              roundGate: async () => {
                const now = Date.now();
                return store.leases.acquire(COLLECTION_LEASE, POD_ID, now, now + 2 * roundMs + 60_000);
              },
              settings: { devicesPerRound, minWalkMs: walkMs },
            });
          },
          inject: [DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, DIAGNOSTICS_MONITORING, DIAGNOSTICS_HTTP, DIAGNOSTICS_PROVISIONING, GRPC_HOSTS, EVENT_BUS, LOGGER],
        },
        {
          provide: DIAGNOSTICS_RUN_RUNTIME,
          useFactory: (runs: RunUseCases, alarms: AlarmUseCases, monitoring: MonitoringUseCases, store: DiagnosticsStore, config: DiagnosticsConfig, bus: EventBus, logger: Logger): RunRuntime => ({
            consumer: new RunTaskEventsConsumer(bus, runs.followRunTask, logger),
            sweeper: new RunTimeoutSweeper(runs.timeOutRuns, { intervalMs: config.runs.sweepMs }, logger),
            alarmPurge: new PeriodicRounds({
              name: 'cleared-alarm retention',
              intervalMs: config.alarms.purgeMs,
              round: () => alarms.purgeClearedAlarms.execute(config.alarms.retentionDays),
              logger,
            }),
            rollup: new PeriodicRounds({
              name: 'monitoring rollup',
              intervalMs: config.monitoring.rollupMs,
              // Rollups append to the hourly and daily buckets: two pods folding one day would append it twice.
              round: async () => {
                const now = Date.now();
                if (!(await store.leases.acquire(ROLLUP_LEASE, POD_ID, now, now + 2 * config.monitoring.rollupMs + 60_000))) return;
                await monitoring.rollUpSamples.execute();
              },
              logger,
            }),
          }),
          inject: [DIAGNOSTICS_RUNS, DIAGNOSTICS_ALARMS, DIAGNOSTICS_MONITORING, DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, EVENT_BUS, LOGGER],
        },
        {
          provide: DIAGNOSTICS_GRPC_HOST,
          useFactory: (runs: RunUseCases, alarms: AlarmUseCases, monitoring: MonitoringUseCases, config: DiagnosticsConfig, logger: Logger, metrics: Registry, hosts: GrpcHostRegistry): GrpcServerHost => {
            // The one place the diagnostics gRPC services are added: each public service of DIAGNOSTICS_API is one addService here.
            const host = new GrpcServerHost({
              host: config.grpc.host,
              port: config.grpc.port,
              descriptorSets: [acsV1DescriptorSet],
              interceptors: [grpcMetricsInterceptor(metrics)],
              logger,
            });
            host.addService(acsV1.DiagnosticsServiceService, new DiagnosticsGrpcController(runs).implementation);
            host.addService(acsV1.MonitoringServiceService, { ...new MonitoringSamplesGrpcController(monitoring).implementation, ...new AlarmGrpcController(alarms).implementation });
            hosts.register(DIAGNOSTICS_API.dependency, host);
            return host;
          },
          inject: [DIAGNOSTICS_RUNS, DIAGNOSTICS_ALARMS, DIAGNOSTICS_MONITORING, DIAGNOSTICS_CONFIG, LOGGER, METRICS_REGISTRY, GRPC_HOSTS],
        },
        DiagnosticsLifecycle,
      ],
      exports: [DIAGNOSTICS_RUNS, DIAGNOSTICS_ALARMS, DIAGNOSTICS_MONITORING, DIAGNOSTICS_HTTP, DIAGNOSTICS_COLLECTION, DIAGNOSTICS_STORE, DIAGNOSTICS_CONFIG, DIAGNOSTICS_GRPC_HOST, DIAGNOSTICS_PROVISIONING],
    };
  }
}
