import { type DynamicModule, Module } from '@nestjs/common';
import { FirmwareModule, type FirmwareModuleOptions, type FirmwareStore } from '@acs/firmware';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';

/** The firmware pod: its store is MongoDB (metadata) and GridFS (content), its ports Redis and Kafka (whatever `main` chose). */
@Module({})
export class FirmwareAppModule {
  static forRoot(adapters: PlatformAdapters, logger: Logger, store: FirmwareStore, campaigns?: FirmwareModuleOptions['campaigns']): DynamicModule {
    return {
      module: FirmwareAppModule,
      imports: [PlatformModule.forRoot({ service: 'acs-firmware', adapters, logger }), FirmwareModule.forRoot({ store, campaigns })],
    };
  }
}
