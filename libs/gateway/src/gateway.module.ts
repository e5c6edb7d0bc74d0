import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import {
  AUTH_LOCKOUT_STORE,
  DEVICE_QUEUE,
  EVENT_BUS,
  EVENT_OUTBOX,
  HEALTH_REGISTRY,
  LOGGER,
  METRICS_REGISTRY,
  SESSION_STORE,
  type AuthLockoutStore,
  type DeviceQueue,
  type EventBus,
  type EventOutbox,
  type HealthRegistry,
  type Logger,
  type SessionStore,
} from '@acs/platform';
import { CpeAuthLockout, type LockoutObserver } from './auth/cpe-auth-lockout';
import { CpeAuthenticator } from './auth/cpe-authenticator';
import { FileCpeCredentialStore, type CpeCredentialStore } from './auth/cpe-credentials';
import { loadGatewayConfig, type GatewayConfig } from './gateway.config';
import { GatewayMetrics } from './gateway.metrics';
import { ConnectionRequester, loadConnectionRequestConfig } from './connection-request';
import { ConnectionRequestConsumer } from './events/connection-request.consumer';
import { EventPublisher } from './events/event-publisher';
import { OutboxRelay } from './events/outbox-relay';
import { CwmpHttpServer } from './http/cwmp-http.server';
import { SessionEngine } from './session/session-engine';

export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const CPE_CREDENTIALS = Symbol('CpeCredentialStore');

/** Starts the CWMP listener once the whole application is wired, and drains it first on shutdown. */
@Injectable()
export class CwmpEndpointLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly server: CwmpHttpServer,
    private readonly engine: SessionEngine,
    private readonly relay: OutboxRelay,
    private readonly connectionRequests: ConnectionRequestConsumer,
    private readonly requester: ConnectionRequester,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_REGISTRY) health: HealthRegistry,
  ) {
    health.register({
      name: 'cwmp-endpoint',
      check: async () => {
        if (!server.listening) throw new Error('CWMP endpoint not listening');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.auth.mode === 'none') this.logger.warn('CPE authentication is off (ACS_CPE_AUTH=none)');
    if (this.config.auth.mode === 'digest' && this.config.auth.nonceSecretIsRandom) {
      this.logger.warn('ACS_DIGEST_SECRET is not set: Digest nonces only verify on this pod');
    }
    this.relay.start();
    await this.connectionRequests.start();
    await this.server.listen();
    this.engine.summary.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const startedAt = performance.now();
    this.logger.info(
      { lifecycle: 'draining', requestsInFlight: this.server.requestsInFlight, sessionsInFlight: this.engine.sessionsInFlight, graceMs: 10_000 },
      'CWMP endpoint draining: no new connections; requests in flight get up to 10 s to be answered, then the outbox relay and connection requests stop',
    );
    const { requestsCut } = await this.server.close();
    await this.connectionRequests.stop();
    this.requester.close();
    await this.relay.stop();
    this.engine.writeHeldLogs();
    this.logger.info({ lifecycle: 'drained', requestsCut, durationMs: Math.round(performance.now() - startedAt) }, 'CWMP endpoint closed');
  }
}

/** Lockouts into metrics, and one log line when a lockout starts (not per refused request: a flood would fill the log). */
function lockoutObserver(metrics: GatewayMetrics, logger: Logger): LockoutObserver {
  return {
    failure: (reason) => metrics.authFailures.labels(reason).inc(),
    refused: (scope) => metrics.authLockedOut.labels(scope).inc(),
    lockoutStarted: ({ scope, lockedUntil, strikes }, deviceId, source) => {
      metrics.authLockouts.labels(scope).inc();
      const context = scope === 'source' ? { source, lastDeviceId: deviceId } : { deviceId, source };
      logger.warn({ ...context, scope, lockedUntil: new Date(lockedUntil).toISOString(), strikes }, 'CPE authentication locked out after repeated failures');
    },
  };
}

/** The CWMP gateway: endpoint, session engine, CPE authentication. Expects the ports from PlatformModule. */
@Module({})
export class GatewayModule {
  static forRoot(options: { config?: GatewayConfig; credentials?: CpeCredentialStore } = {}): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: GATEWAY_CONFIG, useFactory: () => options.config ?? loadGatewayConfig() },
        {
          provide: CPE_CREDENTIALS,
          useFactory: (config: GatewayConfig) => options.credentials ?? FileCpeCredentialStore.fromFile(config.auth.credentialsFile),
          inject: [GATEWAY_CONFIG],
        },
        {
          provide: CpeAuthLockout,
          useFactory: (config: GatewayConfig, store: AuthLockoutStore, metrics: GatewayMetrics, logger: Logger) => {
            const lockout = new CpeAuthLockout(store, config.auth.lockout, lockoutObserver(metrics, logger));
            metrics.lockedKeysSource = (scope) => lockout.lockedCount(scope);
            return lockout;
          },
          inject: [GATEWAY_CONFIG, AUTH_LOCKOUT_STORE, GatewayMetrics, LOGGER],
        },
        {
          provide: CpeAuthenticator,
          useFactory: (config: GatewayConfig, credentials: CpeCredentialStore, lockout: CpeAuthLockout) =>
            new CpeAuthenticator(
              {
                mode: config.auth.mode,
                realm: config.auth.realm,
                defaultCredentials: config.auth.username && config.auth.password ? { username: config.auth.username, password: config.auth.password } : undefined,
                acceptUnknown: config.auth.acceptUnknown,
                nonceSecret: config.auth.nonceSecret,
                nonceTtlMs: config.auth.nonceTtlMs,
              },
              credentials,
              Date.now,
              lockout,
            ),
          inject: [GATEWAY_CONFIG, CPE_CREDENTIALS, CpeAuthLockout],
        },
        { provide: GatewayMetrics, useFactory: (registry: Registry) => new GatewayMetrics(registry), inject: [METRICS_REGISTRY] },
        {
          provide: EventPublisher,
          useFactory: (config: GatewayConfig, bus: EventBus, outbox: EventOutbox, queue: DeviceQueue, metrics: GatewayMetrics, logger: Logger) =>
            new EventPublisher(bus, outbox, queue, metrics, logger, config.events.publishTimeoutMs),
          inject: [GATEWAY_CONFIG, EVENT_BUS, EVENT_OUTBOX, DEVICE_QUEUE, GatewayMetrics, LOGGER],
        },
        {
          provide: OutboxRelay,
          useFactory: (config: GatewayConfig, outbox: EventOutbox, bus: EventBus, publisher: EventPublisher, metrics: GatewayMetrics, logger: Logger) =>
            new OutboxRelay(outbox, bus, publisher, metrics, logger, {
              owner: config.podName,
              intervalMs: config.events.relayIntervalMs,
              publishTimeoutMs: config.events.publishTimeoutMs,
              devicesPerRound: 200,
              batchesPerPublish: 100,
            }),
          inject: [GATEWAY_CONFIG, EVENT_OUTBOX, EVENT_BUS, EventPublisher, GatewayMetrics, LOGGER],
        },
        { provide: ConnectionRequester, useFactory: () => new ConnectionRequester(loadConnectionRequestConfig()) },
        {
          provide: ConnectionRequestConsumer,
          useFactory: (bus: EventBus, requester: ConnectionRequester, metrics: GatewayMetrics, logger: Logger) => {
            const config = loadConnectionRequestConfig();
            return new ConnectionRequestConsumer(bus, requester, metrics.connectionRequests, logger, config.perDeviceIntervalMs + 100, config.concurrency);
          },
          inject: [EVENT_BUS, ConnectionRequester, GatewayMetrics, LOGGER],
        },
        {
          provide: SessionEngine,
          useFactory: (
            config: GatewayConfig,
            store: SessionStore,
            queue: DeviceQueue,
            publisher: EventPublisher,
            authenticator: CpeAuthenticator,
            metrics: GatewayMetrics,
            logger: Logger,
          ) => new SessionEngine({ config, store, queue, publisher, authenticator, metrics, logger }),
          inject: [GATEWAY_CONFIG, SESSION_STORE, DEVICE_QUEUE, EventPublisher, CpeAuthenticator, GatewayMetrics, LOGGER],
        },
        {
          provide: CwmpHttpServer,
          useFactory: (engine: SessionEngine, config: GatewayConfig, metrics: GatewayMetrics, logger: Logger) =>
            new CwmpHttpServer(engine, config, metrics, logger),
          inject: [SessionEngine, GATEWAY_CONFIG, GatewayMetrics, LOGGER],
        },
        CwmpEndpointLifecycle,
      ],
      exports: [SessionEngine, CwmpHttpServer, OutboxRelay, GATEWAY_CONFIG, CPE_CREDENTIALS],
    };
  }
}
