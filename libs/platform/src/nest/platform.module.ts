import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { InProcessAuthLockoutStore, InProcessDeviceQueue, InProcessEventBus, InProcessEventOutbox, InProcessSessionStore } from '../adapters';
import { createLogger, type Logger } from '../logging/logger';
import { HealthRegistry } from '../observability/health';
import { createMetricsRegistry } from '../observability/metrics';
import type { AuthLockoutStore, DeviceQueue, EventBus, EventOutbox, SessionStore } from '../ports';
import { ObservabilityController } from './observability.controller';
import { AUTH_LOCKOUT_STORE, DEVICE_QUEUE, EVENT_BUS, EVENT_OUTBOX, HEALTH_REGISTRY, LOGGER, METRICS_REGISTRY, SESSION_STORE } from './tokens';
import { GRPC_HOSTS, GrpcHostRegistry } from '../grpc/grpc-host-registry';

/** Logs are written in batches; the last lines must reach their destination before the process exits. */
@Injectable()
export class LogFlusher implements OnApplicationShutdown {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => this.logger.flush(() => resolve()));
  }
}

export interface PlatformAdapters {
  sessionStore: SessionStore;
  deviceQueue: DeviceQueue;
  eventBus: EventBus;
  outbox: EventOutbox;
  /** CPE authentication failures and lockouts; in this process when absent (right for one process, wrong for pods). */
  authLockouts?: AuthLockoutStore;
}

/**
 * Ports, logger, metrics and health for one process. Which adapters back the ports is decided by the app at
 * start-up: in-process for the standalone product, Redis and Kafka for the distributed pods.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: { service: string; adapters?: PlatformAdapters; logger?: Logger }): DynamicModule {
    const adapters = options.adapters ?? inProcessAdapters();
    const health = new HealthRegistry();
    health.register({ name: 'session-store', check: () => adapters.sessionStore.ping() });
    health.register({ name: 'event-bus', check: () => adapters.eventBus.ping() });
    const providers: Provider[] = [
      { provide: SESSION_STORE, useValue: adapters.sessionStore },
      { provide: DEVICE_QUEUE, useValue: adapters.deviceQueue },
      { provide: EVENT_BUS, useValue: adapters.eventBus },
      { provide: EVENT_OUTBOX, useValue: adapters.outbox },
      { provide: AUTH_LOCKOUT_STORE, useValue: adapters.authLockouts ?? new InProcessAuthLockoutStore() },
      { provide: LOGGER, useValue: options.logger ?? createLogger({ service: options.service }) },
      { provide: METRICS_REGISTRY, useValue: createMetricsRegistry() },
      { provide: HEALTH_REGISTRY, useValue: health },
      { provide: GRPC_HOSTS, useValue: new GrpcHostRegistry() },
    ];
    return {
      module: PlatformModule,
      controllers: [ObservabilityController],
      providers: [...providers, LogFlusher],
      exports: providers,
    };
  }
}

export function inProcessAdapters(): PlatformAdapters {
  const deviceQueue = new InProcessDeviceQueue();
  return {
    sessionStore: new InProcessSessionStore(),
    deviceQueue,
    eventBus: new InProcessEventBus(),
    outbox: new InProcessEventOutbox(deviceQueue),
    authLockouts: new InProcessAuthLockoutStore(),
  };
}
