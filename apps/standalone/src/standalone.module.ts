import { type DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { GatewayModule, type GatewayConfig } from '@acs/gateway';
import { registerSqliteStoreMetrics, sqliteStoreHealthCheck, type NamedSqliteDatabase } from '@acs/infra-sqlite';
import { HEALTH_REGISTRY, METRICS_REGISTRY, PlatformModule, type HealthRegistry, type Logger, type PlatformAdapters } from '@acs/platform';
import { DiagnosticsModule, type DiagnosticsConfig, type DiagnosticsStore } from '@acs/diagnostics';
import { FirmwareModule, type FirmwareConfig, type FirmwareModuleOptions, type FirmwareStore } from '@acs/firmware';
import { GroupingModule, type GroupingConfig, type GroupingStore } from '@acs/grouping';
import { NbiModule, type NbiOptions } from '@acs/nbi';
import { ProvisioningModule, type ProvisioningConfig, type ProvisioningStore } from '@acs/provisioning';

const STORE_OBSERVABILITY = Symbol('StoreObservability');

/** Every module of the ACS in one process, on the embedded adapters (in-process bus and sessions) and store. */
@Module({})
export class StandaloneModule {
  static forRoot(options: {
    store: ProvisioningStore;
    adapters?: PlatformAdapters;
    logger?: Logger;
    gateway?: GatewayConfig;
    provisioning?: ProvisioningConfig;
    /** The firmware service's store (firmware.sqlite and files/ in the data directory); absent in tests of the CWMP side. */
    firmware?: { store: FirmwareStore; config?: FirmwareConfig; campaigns?: FirmwareModuleOptions['campaigns'] };
    /** The grouping service's store (grouping.sqlite in the data directory); absent in tests of the CWMP side. */
    grouping?: { store: GroupingStore; config?: GroupingConfig };
    /** The diagnostics service's store (diagnostics.sqlite in the data directory); absent in tests of the CWMP side. */
    diagnostics?: { store: DiagnosticsStore; config?: DiagnosticsConfig };
    /** The public API; absent in tests that need only the CWMP side. */
    nbi?: NbiOptions;
    /** The embedded store's SQLite databases, for the size gauges on /metrics and the `embedded-store` health check. */
    storeDatabases?: () => readonly NamedSqliteDatabase[];
  }): DynamicModule {
    const storeDatabases = options.storeDatabases;
    // Campaigns over a group read its members from the grouping service of this process, through its in-process host.
    const campaigns = options.firmware?.campaigns && options.grouping ? { ...options.firmware.campaigns, grouping: 'in-process' as const } : options.firmware?.campaigns;
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot({ service: 'acs-standalone', adapters: options.adapters, logger: options.logger }),
        GatewayModule.forRoot({ config: options.gateway }),
        // The bus is in this process's memory: results in flight at a crash are gone, so provisioning reconciles at start.
        ProvisioningModule.forRoot({ store: options.store, config: options.provisioning, reconcileLostWorkOnStart: true }),
        // Its API is reached in process only (the NBI is its one caller here): no port of its own.
        ...(options.firmware ? [FirmwareModule.forRoot({ store: options.firmware.store, config: options.firmware.config, listen: false, campaigns })] : []),
        // Reads the inventory from provisioning in process; follows acs.device on the in-process bus; its campaign jobs
        // create their campaigns in the firmware service of this process (when it runs one).
        ...(options.grouping
          ? [GroupingModule.forRoot({ store: options.grouping.store, config: options.grouping.config, provisioning: 'in-process', firmware: options.firmware ? 'in-process' : 'none', listen: false })]
          : []),
        // Creates its runs' tasks in provisioning in process and follows them on the in-process bus; asks grouping in process which devices a threshold rule's group holds.
        ...(options.diagnostics ? [DiagnosticsModule.forRoot({ store: options.diagnostics.store, config: options.diagnostics.config, provisioning: 'in-process', grouping: options.grouping ? 'in-process' : undefined, httpSecretDir: options.diagnostics.config?.dataDir, listen: false })] : []),
        ...(options.nbi
          ? [NbiModule.forRoot({ ...options.nbi, firmware: options.firmware !== undefined, grouping: options.grouping !== undefined, diagnostics: options.diagnostics !== undefined })]
          : []),
      ],
      providers: [
        ...(storeDatabases
          ? [
              {
                provide: STORE_OBSERVABILITY,
                useFactory: (metrics: Registry, health: HealthRegistry) => {
                  registerSqliteStoreMetrics(metrics, storeDatabases);
                  health.register(sqliteStoreHealthCheck(storeDatabases));
                  return true;
                },
                inject: [METRICS_REGISTRY, HEALTH_REGISTRY],
              },
            ]
          : []),
      ],
    };
  }
}
