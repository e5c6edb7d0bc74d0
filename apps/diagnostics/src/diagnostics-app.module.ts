import { type DynamicModule, Module } from '@nestjs/common';
import { DiagnosticsModule, type DiagnosticsConfig, type DiagnosticsStore } from '@acs/diagnostics';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';

/** The diagnostics pod: its store is MongoDB, its ports Redis and Kafka (whatever `main` chose), provisioning over gRPC. */
@Module({})
export class DiagnosticsAppModule {
  static forRoot(adapters: PlatformAdapters, logger: Logger, store: DiagnosticsStore, config: DiagnosticsConfig): DynamicModule {
    return {
      module: DiagnosticsAppModule,
      imports: [PlatformModule.forRoot({ service: 'acs-diagnostics', adapters, logger }), DiagnosticsModule.forRoot({ store, config, provisioning: { address: config.provisioningAddress } })],
    };
  }
}
