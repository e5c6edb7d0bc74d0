import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayModule, type GatewayConfig } from '@acs/gateway';
import { PlatformModule, type PlatformAdapters } from '@acs/platform';
import { EventTap } from './event-tap';
import { WorkQueueController } from './work-queue.controller';

/** Every module of the ACS in one process, on in-process adapters. */
@Module({})
export class StandaloneModule {
  static forRoot(options: { adapters?: PlatformAdapters; gateway?: GatewayConfig } = {}): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [PlatformModule.forRoot({ service: 'acs-standalone', adapters: options.adapters }), GatewayModule.forRoot({ config: options.gateway })],
      controllers: [WorkQueueController],
      providers: [EventTap],
    };
  }
}
