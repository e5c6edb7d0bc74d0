import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayModule, type GatewayConfig } from '@acs/gateway';
import { PlatformModule, type PlatformAdapters } from '@acs/platform';
import { ProvisioningModule, type ProvisioningConfig, type ProvisioningStore } from '@acs/provisioning';
import { EventTap } from './event-tap';
import { WorkQueueController } from './work-queue.controller';

/** Every module of the ACS in one process, on in-process adapters and the embedded store. */
@Module({})
export class StandaloneModule {
  static forRoot(options: { store: ProvisioningStore; adapters?: PlatformAdapters; gateway?: GatewayConfig; provisioning?: ProvisioningConfig }): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot({ service: 'acs-standalone', adapters: options.adapters }),
        GatewayModule.forRoot({ config: options.gateway }),
        ProvisioningModule.forRoot({ store: options.store, config: options.provisioning }),
      ],
      controllers: [WorkQueueController],
      providers: [EventTap],
    };
  }
}
