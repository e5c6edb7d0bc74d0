import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';
import { ProvisioningModule, type ProvisioningStore } from '@acs/provisioning';

/** The provisioning pod: its store is MongoDB, its ports Redis and Kafka (whatever `main` chose). */
@Module({})
export class ProvisioningAppModule {
  static forRoot(adapters: PlatformAdapters, logger: Logger, store: ProvisioningStore): DynamicModule {
    return {
      module: ProvisioningAppModule,
      imports: [PlatformModule.forRoot({ service: 'acs-provisioning', adapters, logger }), ProvisioningModule.forRoot({ store })],
    };
  }
}
