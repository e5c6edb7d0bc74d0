import { type DynamicModule, Module } from '@nestjs/common';
import { GroupingModule, type GroupingConfig, type GroupingStore } from '@acs/grouping';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';

/** The grouping pod: its store is MongoDB, its ports Redis and Kafka (whatever `main` chose), provisioning over gRPC. */
@Module({})
export class GroupingAppModule {
  static forRoot(adapters: PlatformAdapters, logger: Logger, store: GroupingStore, config: GroupingConfig): DynamicModule {
    return {
      module: GroupingAppModule,
      imports: [PlatformModule.forRoot({ service: 'acs-grouping', adapters, logger }), GroupingModule.forRoot({ store, config, provisioning: { address: config.provisioningAddress }, firmware: { address: config.firmwareAddress } })],
    };
  }
}
