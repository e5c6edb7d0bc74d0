import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayModule } from '@acs/gateway';
import { PlatformModule, type Logger, type PlatformAdapters } from '@acs/platform';

/** The gateway pod: CWMP endpoint and session engine; its ports are backed by whatever `main` chose. */
@Module({})
export class CwmpGatewayModule {
  static forRoot(adapters: PlatformAdapters, logger: Logger): DynamicModule {
    return {
      module: CwmpGatewayModule,
      imports: [PlatformModule.forRoot({ service: 'acs-cwmp-gateway', adapters, logger }), GatewayModule.forRoot()],
    };
  }
}
