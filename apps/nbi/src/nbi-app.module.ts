import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';
import { NbiModule, type NbiOptions } from '@acs/nbi';

/** The nbi pod: the public API over the provisioning service's internal one, the audit log in MongoDB. */
@Module({})
export class NbiAppModule {
  static forRoot(adapters: PlatformAdapters, logger: Logger, options: NbiOptions): DynamicModule {
    return {
      module: NbiAppModule,
      imports: [PlatformModule.forRoot({ service: 'acs-nbi', adapters, logger }), NbiModule.forRoot(options)],
    };
  }
}
