import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { acsV1, acsV1DescriptorSet } from '@acs/contracts';
import {
  GRPC_HOSTS,
  GrpcServerHost,
  grpcMetricsInterceptor,
  HEALTH_REGISTRY,
  LOGGER,
  METRICS_REGISTRY,
  type GrpcHostRegistry,
  type HealthRegistry,
  type Logger,
} from '@acs/platform';

import { FirmwareGrpcController, MAX_UPLOAD_CHUNK_BYTES } from './api/firmware-grpc.controller';
import { loadFirmwareConfig, type FirmwareConfig } from './firmware.config';
import type { FirmwareStore } from './repositories/ports';
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
const SERVICE_NAME = 'firmware';

export interface FirmwareModuleOptions {
  store: FirmwareStore;
  config?: FirmwareConfig;
  /**
   * Whether the gRPC API listens on config.grpc (a firmware pod) or is only reached in process through the host
   * registry (the standalone, where the NBI is its only caller). Default: listens.
   */
  listen?: boolean;
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
  ) {
    health.register({ name: 'firmware-store', check: async () => void (await store.files.list({}, { skip: 0, limit: 1 })) });
    if (options.listen) health.register(grpc.healthCheck('firmware-grpc'));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.listen) return;
    const port = await this.grpc.start();
    this.logger.info({ lifecycle: 'listening', host: this.config.grpc.host, port }, 'firmware gRPC API listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.logger.info({ lifecycle: 'draining' }, 'firmware draining: the gRPC API stops, then the store closes');
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
          provide: FIRMWARE_GRPC_HOST,
          useFactory: (core: FirmwareCore, config: FirmwareConfig, logger: Logger, metrics: Registry, hosts: GrpcHostRegistry) => {
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
            hosts.register(SERVICE_NAME, host);
            return host;
          },
          inject: [FIRMWARE_CORE, FIRMWARE_CONFIG, LOGGER, METRICS_REGISTRY, GRPC_HOSTS],
        },
        FirmwareLifecycle,
      ],
      exports: [FIRMWARE_USE_CASES, FIRMWARE_FILE_SOURCE, FIRMWARE_GRPC_HOST, FIRMWARE_STORE, FIRMWARE_CONFIG],
    };
  }
}
