import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayModule, type GatewayConfig } from '@acs/gateway';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';
import { NbiModule, type NbiOptions } from '@acs/nbi';
import { ProvisioningModule, type ProvisioningConfig, type ProvisioningStore } from '@acs/provisioning';

/** Every module of the ACS in one process, on the embedded adapters (in-process bus and sessions) and store. */
@Module({})
export class StandaloneModule {
  static forRoot(options: {
    store: ProvisioningStore;
    adapters?: PlatformAdapters;
    logger?: Logger;
    gateway?: GatewayConfig;
    provisioning?: ProvisioningConfig;
    /** The public API; absent in tests that need only the CWMP side. */
    nbi?: NbiOptions;
  }): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot({ service: 'acs-standalone', adapters: options.adapters, logger: options.logger }),
        GatewayModule.forRoot({ config: options.gateway }),
        // The bus is in this process's memory: results in flight at a crash are gone, so provisioning reconciles at start.
        ProvisioningModule.forRoot({ store: options.store, config: options.provisioning, reconcileLostWorkOnStart: true }),
        ...(options.nbi ? [NbiModule.forRoot(options.nbi)] : []),
      ],
    };
  }
}
