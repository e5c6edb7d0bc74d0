import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { acsV1, acsV1DescriptorSet } from '@acs/contracts';
import { GROUPING_API, groupingClient, PROVISIONING_API, provisioningClient, type ServiceTransport } from '@acs/clients';
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

import { CampaignGrpcController } from './api/campaign-grpc.controller';
import { FirmwareGrpcController, MAX_UPLOAD_CHUNK_BYTES } from './api/firmware-grpc.controller';
import { DownloadAuthorizer } from './file-server/download-auth';
import { FileDownloadServer } from './file-server/file-download.server';
import type { FileServerConfig } from './file-server/file-server.config';
import { FileServerMetrics } from './file-server/file-server.metrics';
import { loadFirmwareConfig, type FirmwareConfig } from './firmware.config';
import { GrpcGroupMembers } from './grouping/group-members';
import { ProvisioningDeviceInventory, ProvisioningDeviceTasks } from './provisioning/provisioning-devices';
import type { FirmwareStore } from './repositories/ports';
import { CampaignEventPublisher } from './service/campaign-event.publisher';
import { CampaignEventsConsumer } from './service/campaign-events.consumer';
import { CampaignScheduler } from './service/campaign.scheduler';
import { createCampaignCore, type CampaignCore } from './usecases/campaign-usecases';
import { createFirmwareCore, type FirmwareCore } from './usecases/firmware-usecases';

export const FIRMWARE_STORE = Symbol('FirmwareStore');
export const FIRMWARE_CONFIG = Symbol('FirmwareConfig');
export const FIRMWARE_CORE = Symbol('FirmwareCore');
export const FIRMWARE_USE_CASES = Symbol('FirmwareUseCases');
/** The file server's FileSource (StoredFileSource): metadata and content of the files CPEs download. */
export const FIRMWARE_FILE_SOURCE = Symbol('FirmwareFileSource');
export const FIRMWARE_MODULE_OPTIONS = Symbol('FirmwareModuleOptions');
/** The firmware service's GrpcServerHost, also in the process's GrpcHostRegistry under `firmware` (FIRMWARE_API.dependency). */
export const FIRMWARE_GRPC_HOST = Symbol('FirmwareGrpcHost');
/** The campaigns' use cases and rollout engine (absent without FirmwareModuleOptions.campaigns). */
export const FIRMWARE_CAMPAIGNS = Symbol('FirmwareCampaigns');
/** The file server CPEs download from, when this process serves it. */
export const FIRMWARE_FILE_SERVER = Symbol('FirmwareFileServer');
const SERVICE_NAME = 'firmware';

export interface FirmwareModuleOptions {
  store: FirmwareStore;
  config?: FirmwareConfig;
  /**
   * Whether the gRPC API listens on config.grpc (a firmware pod) or is only reached in process through the host
   * registry (the standalone, where the NBI is its only caller). Default: listens.
   */
  listen?: boolean;
  /**
   * Upgrade campaigns: provisioning reached in process (`in-process`: the standalone, through the process's host
   * registry) or over gRPC (a pod: `{ address }` from ACS_FIRMWARE_PROVISIONING_ADDRESS), and the file server the
   * Download tasks point at, served by this process. Absent: files only (tests of the files part).
   */
  campaigns?: {
    provisioning: ServiceTransport | 'in-process';
    fileServer: FileServerConfig;
    secret: Buffer;
    /**
     * Where campaigns over a group read its members (GroupService.ListGroupMembers): in process (the standalone,
     * through the host registry) or over gRPC (a pod: ACS_FIRMWARE_GROUPING_ADDRESS). Absent: CreateCampaign with a
     * group_id answers FAILED_PRECONDITION.
     */
    grouping?: ServiceTransport | 'in-process';
  };
}

/** The campaigns' running parts, started after the app is wired and stopped before the store closes. */
interface CampaignRuntime {
  core: CampaignCore;
  consumer: CampaignEventsConsumer;
  scheduler: CampaignScheduler;
  fileServer: FileDownloadServer;
}

/** Starts the gRPC API once everything is wired; on shutdown stops it (uploads in flight get its grace time), then closes the store. */
@Injectable()
export class FirmwareLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(FIRMWARE_GRPC_HOST) private readonly grpc: GrpcServerHost,
    @Inject(FIRMWARE_STORE) private readonly store: FirmwareStore,
    @Inject(FIRMWARE_CONFIG) private readonly config: FirmwareConfig,
    @Inject(FIRMWARE_MODULE_OPTIONS) private readonly options: { listen: boolean },
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
    @Inject(FIRMWARE_CAMPAIGNS) private readonly campaigns: CampaignRuntime | null,
  ) {
    health.register({ name: 'firmware-store', check: async () => void (await store.files.list({}, { skip: 0, limit: 1 })) });
    if (options.listen) health.register(grpc.healthCheck('firmware-grpc'));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.campaigns) {
      const corrected = await this.campaigns.core.syncStatuses();
      if (corrected > 0) this.logger.info({ corrected }, 'campaign statuses caught up with their rollouts');
      const { http, https } = await this.campaigns.fileServer.listen();
      this.logger.info({ lifecycle: 'listening', http: http.port, https: https?.port }, 'firmware file server listening');
      await this.campaigns.consumer.start();
      this.campaigns.scheduler.start();
    }
    if (!this.options.listen) return;
    const port = await this.grpc.start();
    this.logger.info({ lifecycle: 'listening', host: this.config.grpc.host, port }, 'firmware gRPC API listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'firmware draining: campaigns stop ticking and consuming, the file server and the gRPC API stop, then the store closes');
    if (this.campaigns) {
      await this.campaigns.scheduler.stop();
      await this.campaigns.consumer.stop();
      await this.campaigns.fileServer.close();
    }
    await this.grpc.stop();
    await this.store.close();
  }
}

/** The firmware service: files (and, to come, campaigns). Expects the ports from PlatformModule. */
@Module({})
export class FirmwareModule {
  static forRoot(options: FirmwareModuleOptions): DynamicModule {
    return {
      module: FirmwareModule,
      providers: [
        { provide: FIRMWARE_MODULE_OPTIONS, useValue: { listen: options.listen !== false } },
        { provide: FIRMWARE_STORE, useValue: options.store },
        { provide: FIRMWARE_CONFIG, useFactory: () => options.config ?? loadFirmwareConfig() },
        {
          provide: FIRMWARE_CORE,
          useFactory: (store: FirmwareStore, config: FirmwareConfig, logger: Logger): FirmwareCore => createFirmwareCore({ store, config, logger }),
          inject: [FIRMWARE_STORE, FIRMWARE_CONFIG, LOGGER],
        },
        { provide: FIRMWARE_USE_CASES, useFactory: (core: FirmwareCore) => core.useCases, inject: [FIRMWARE_CORE] },
        { provide: FIRMWARE_FILE_SOURCE, useFactory: (core: FirmwareCore) => core.fileSource, inject: [FIRMWARE_CORE] },
        {
          provide: FIRMWARE_CAMPAIGNS,
          useFactory: (core: FirmwareCore, store: FirmwareStore, config: FirmwareConfig, logger: Logger, metrics: Registry, bus: EventBus, hosts: GrpcHostRegistry): CampaignRuntime | null => {
            const campaigns = options.campaigns;
            if (!campaigns) return null;
            const fileServer = new FileDownloadServer({
              source: core.fileSource,
              authorizer: new DownloadAuthorizer({ secret: campaigns.secret, ...campaigns.fileServer.auth }),
              config: campaigns.fileServer,
              metrics: new FileServerMetrics(metrics),
              logger,
            });
            const provisioning = provisioningClient(campaigns.provisioning === 'in-process' ? { host: () => hosts.get(PROVISIONING_API.dependency) } : campaigns.provisioning);
            const campaignCore = createCampaignCore({
              store,
              inventory: new ProvisioningDeviceInventory(provisioning),
              ...(campaigns.grouping
                ? { members: new GrpcGroupMembers(groupingClient(campaigns.grouping === 'in-process' ? { host: () => hosts.get(GROUPING_API.dependency) } : campaigns.grouping)) }
                : {}),
              tasks: new ProvisioningDeviceTasks(provisioning),
              signing: { secret: campaigns.secret, baseUrl: () => fileServerBaseUrl(campaigns.fileServer, fileServer), validForMs: config.campaigns.downloadValidForMs },
              owner: config.campaigns.podName,
              leaseMs: config.campaigns.leaseMs,
              logger,
              events: new CampaignEventPublisher({ bus, campaigns: store.campaigns, logger, now: Date.now }),
            });
            return {
              core: campaignCore,
              fileServer,
              consumer: new CampaignEventsConsumer(bus, campaignCore.useCases.recordUpgradeOutcome, logger),
              scheduler: new CampaignScheduler(campaignCore.engine, () => campaignCore.resumeCreations(), { intervalMs: config.campaigns.tickMs }, logger),
            };
          },
          inject: [FIRMWARE_CORE, FIRMWARE_STORE, FIRMWARE_CONFIG, LOGGER, METRICS_REGISTRY, EVENT_BUS, GRPC_HOSTS],
        },
        { provide: FIRMWARE_FILE_SERVER, useFactory: (runtime: CampaignRuntime | null) => runtime?.fileServer ?? null, inject: [FIRMWARE_CAMPAIGNS] },
        {
          provide: FIRMWARE_GRPC_HOST,
          useFactory: (core: FirmwareCore, config: FirmwareConfig, logger: Logger, metrics: Registry, hosts: GrpcHostRegistry, campaigns: CampaignRuntime | null) => {
            const host = new GrpcServerHost({
              host: config.grpc.host,
              port: config.grpc.port,
              descriptorSets: [acsV1DescriptorSet],
              interceptors: [grpcMetricsInterceptor(metrics)],
              // An upload chunk (at most 1 MiB) and its framing; everything else is small.
              maxReceiveMessageBytes: MAX_UPLOAD_CHUNK_BYTES + 64 * 1024,
              logger,
            });
            host.addService(acsV1.FileServiceService, new FirmwareGrpcController(core.useCases).implementation.files);
            if (campaigns) host.addService(acsV1.CampaignServiceService, new CampaignGrpcController(campaigns.core.useCases).implementation);
            hosts.register(SERVICE_NAME, host);
            return host;
          },
          inject: [FIRMWARE_CORE, FIRMWARE_CONFIG, LOGGER, METRICS_REGISTRY, GRPC_HOSTS, FIRMWARE_CAMPAIGNS],
        },
        FirmwareLifecycle,
      ],
      exports: [FIRMWARE_USE_CASES, FIRMWARE_FILE_SOURCE, FIRMWARE_GRPC_HOST, FIRMWARE_STORE, FIRMWARE_CONFIG, FIRMWARE_CAMPAIGNS, FIRMWARE_FILE_SERVER],
    };
  }
}

/**
 * The base of the URLs in Download tasks: the configured public URL, or the address the file server listens on (a
 * wildcard host as loopback: right for one machine, the standalone's tests; a real installation sets the public URL).
 */
function fileServerBaseUrl(config: FileServerConfig, server: FileDownloadServer): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const address = server.addresses.http;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? config.http.port}`;
}
