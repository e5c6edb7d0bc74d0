import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MongoConnection, readMongoConfig } from '@acs/infra-mongo';
import { closeOnSignals, createLogger, EnvReader, logStarting, type Logger } from '@acs/platform';

import { adaptersFromEnv, type RuntimeAdapters } from './adapters-from-env';

/** What a pod's own part works with: the environment, its logger, the adapters, and MongoDB on request. */
export interface Pod {
  readonly env: EnvReader;
  readonly logger: Logger;
  readonly adapters: RuntimeAdapters;
  /** Connects to MongoDB (ACS_MONGO_URL, under the service's name); closed after the adapters at shutdown. */
  openMongo(): Promise<MongoConnection>;
}

/** What the pod opened on the adapters, and the Nest module over it. */
export interface PodParts {
  /** The root module (`<Service>AppModule.forRoot(...)`). */
  module: DynamicModule;
  /** Fields of the "adapters connected" line besides the adapters and MongoDB (e.g. the NBI's TLS mode). */
  connected?: Record<string, unknown>;
  /**
   * What the pod opened besides the adapters and MongoDB and the app does not close itself: closed first once the
   * app has closed, named in the "stopped" line.
   */
  closes?: { names: string[]; close(): Promise<void> };
  /** Starts background work once shutdown is wired, before the pod listens (the NBI's audit retention). */
  started?(): void;
  /** Where the pod serves, for the "ready" line (the management URL is added). */
  ready(app: INestApplication): Record<string, unknown>;
}

export interface PodSpec<Config> {
  /** The service's name in logs, as the Kafka and Redis client and as the MongoDB app name (`acs-firmware`). */
  service: string;
  /** ACS_MGMT_PORT's default: health, readiness and metrics on ACS_MGMT_HOST (0.0.0.0). */
  mgmtPort: number;
  /** Reads and checks the pod's configuration before anything connects, so a bad variable fails the start at once. */
  config(): Config;
  /** Fields of the "starting" line besides the adapters chosen (the store, a limit worth seeing in the log). */
  starting?(config: Config): Record<string, unknown>;
  /** The service's part: opens its stores and clients on the adapters and returns its module over them. */
  open(pod: Pod, config: Config): Promise<PodParts>;
}

/**
 * Starts a pod of a distributed installation the one way every service does: configuration, logger and "starting"
 * line, adapters from the environment (adaptersFromEnv), the service's own part, the Nest app, graceful shutdown on
 * SIGTERM/SIGINT (closeOnSignals, bounded by ACS_SHUTDOWN_TIMEOUT_MS), the management port, the "ready" line. A start
 * that fails writes why on stderr and exits 1; what was connected before the service's part failed is closed first.
 */
export function runPod<Config>(spec: PodSpec<Config>): void {
  startPod(spec).catch((error: unknown) => {
    process.stderr.write(`${spec.service} failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}

async function startPod<Config>(spec: PodSpec<Config>): Promise<void> {
  const env = new EnvReader();
  const config = spec.config();
  const logger = createLogger({ service: spec.service });
  const startup = logStarting(logger, { sessionStore: process.env.ACS_SESSION_STORE, eventBus: process.env.ACS_EVENT_BUS, ...spec.starting?.(config) });
  const adapters = await adaptersFromEnv(spec.service, logger);
  let mongo: MongoConnection | undefined;
  const closeConnections = async () => {
    await adapters.close();
    await mongo?.close();
  };
  const pod: Pod = {
    env,
    logger,
    adapters,
    openMongo: async () => (mongo ??= await MongoConnection.open(readMongoConfig(process.env, spec.service))),
  };
  let parts: PodParts;
  try {
    parts = await spec.open(pod, config);
  } catch (error) {
    await closeConnections();
    throw error;
  }
  logger.info({ adapters: adapters.describe, ...(mongo && { mongo: mongo.displayUrl }), ...parts.connected }, 'adapters connected');
  const app = await NestFactory.create(parts.module, { logger: ['error', 'warn'] });
  closeOnSignals(app, {
    timeoutMs: env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }),
    logger,
    closes: [...(parts.closes?.names ?? []), 'adapters', ...(mongo ? ['mongodb connection'] : [])],
    afterClose: async () => {
      await parts.closes?.close();
      await closeConnections();
    },
  });
  parts.started?.();
  const mgmt = await listenManagement(app, env, { host: '0.0.0.0', port: spec.mgmtPort });
  startup.ready({ ...parts.ready(app), mgmt });
}

/**
 * Serves the app's management endpoints (health, readiness, metrics) on ACS_MGMT_HOST:ACS_MGMT_PORT, defaults given by
 * the process; resolves with their URL.
 */
export async function listenManagement(app: INestApplication, env: EnvReader, defaults: { host: string; port: number }): Promise<string> {
  const host = env.string('ACS_MGMT_HOST', defaults.host);
  const port = env.int('ACS_MGMT_PORT', defaults.port, { min: 0, max: 65535 });
  await app.listen(port, host);
  return `http://${host}:${port}`;
}
