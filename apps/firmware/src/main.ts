import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadFirmwareConfig, openMongoFirmwareStore } from '@acs/firmware';
import { MongoConnection, readMongoConfig } from '@acs/infra-mongo';
import { adaptersFromEnv } from '@acs/infra-runtime';
import { closeOnSignals, createLogger, EnvReader, logStarting } from '@acs/platform';
import { FirmwareAppModule } from './firmware-app.module';

/**
 * A firmware pod: file metadata in MongoDB and content in GridFS (ACS_MONGO_URL), the public FileService on
 * ACS_GRPC_HOST:ACS_GRPC_PORT (default 50053), relayed by the NBI (ACS_NBI_FIRMWARE_ADDRESS).
 */
async function main(): Promise<void> {
  const env = new EnvReader();
  const config = loadFirmwareConfig();
  const logger = createLogger({ service: 'acs-firmware' });
  const startup = logStarting(logger, { sessionStore: process.env.ACS_SESSION_STORE, eventBus: process.env.ACS_EVENT_BUS, store: 'mongodb', maxFileBytes: config.maxFileBytes });
  const adapters = await adaptersFromEnv('acs-firmware', logger);
  const mongo = await MongoConnection.open(readMongoConfig(process.env, 'acs-firmware'));
  const store = await openMongoFirmwareStore(mongo);
  logger.info({ adapters: adapters.describe, mongo: mongo.displayUrl }, 'adapters connected');
  const app = await NestFactory.create(FirmwareAppModule.forRoot(adapters, logger, store), { logger: ['error', 'warn'] });
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
  const port = env.int('ACS_MGMT_PORT', 9467, { min: 0, max: 65535 });
  await app.listen(port, host);
  startup.ready({ grpc: `${config.grpc.host}:${config.grpc.port}`, mgmt: `http://${host}:${port}`, mongo: mongo.displayUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-firmware failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
