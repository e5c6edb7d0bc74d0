import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MongoConnection, readMongoConfig } from '@acs/infra-mongo';
import { adaptersFromEnv } from '@acs/infra-runtime';
import { closeOnSignals, createLogger, EnvReader, logStarting } from '@acs/platform';
import { loadProvisioningConfig, openMongoProvisioningStore } from '@acs/provisioning';
import { ProvisioningAppModule } from './provisioning-app.module';

/**
 * A provisioning pod: devices, tasks, presets and faults in MongoDB (ACS_MONGO_URL), device queues and plan marks in
 * Redis, gateway events from Kafka (ACS_SESSION_STORE=redis, ACS_EVENT_BUS=kafka), the internal gRPC API on
 * ACS_GRPC_HOST:ACS_GRPC_PORT.
 */
async function main(): Promise<void> {
  const env = new EnvReader();
  const logger = createLogger({ service: 'acs-provisioning' });
  const startup = logStarting(logger, { sessionStore: process.env.ACS_SESSION_STORE, eventBus: process.env.ACS_EVENT_BUS, store: 'mongodb' });
  const adapters = await adaptersFromEnv('acs-provisioning', logger);
  const mongo = await MongoConnection.open(readMongoConfig(process.env, 'acs-provisioning'));
  const store = await openMongoProvisioningStore(mongo);
  logger.info({ adapters: adapters.describe, mongo: mongo.displayUrl }, 'adapters connected');
  const app = await NestFactory.create(ProvisioningAppModule.forRoot(adapters, logger, store), { logger: ['error', 'warn'] });
  closeOnSignals(app, {
    timeoutMs: env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }),
    logger,
    closes: ['adapters', 'mongodb connection'],
    afterClose: async () => {
      await adapters.close();
      await mongo.close();
    },
  });
  const host = env.string('ACS_MGMT_HOST', '0.0.0.0');
  const port = env.int('ACS_MGMT_PORT', 9465, { min: 0, max: 65535 });
  await app.listen(port, host);
  const { grpc } = loadProvisioningConfig();
  startup.ready({ grpc: `${grpc.host}:${grpc.port}`, mgmt: `http://${host}:${port}`, mongo: mongo.displayUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-provisioning failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
