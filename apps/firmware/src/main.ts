import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadFileServerConfig, loadFirmwareConfig, openMongoFirmwareStore } from '@acs/firmware';
import { MongoConnection, readMongoConfig } from '@acs/infra-mongo';
import { adaptersFromEnv } from '@acs/infra-runtime';
import { closeOnSignals, ConfigError, createLogger, EnvReader, logStarting } from '@acs/platform';
import { FirmwareAppModule } from './firmware-app.module';

/**
 * A firmware pod: file metadata in MongoDB and content in GridFS (ACS_MONGO_URL), the public FileService on
 * ACS_GRPC_HOST:ACS_GRPC_PORT (default 50053), relayed by the NBI (ACS_NBI_FIRMWARE_ADDRESS); the file server CPEs
 * download from (ACS_FIRMWARE_FILES_*); campaigns driving provisioning at ACS_FIRMWARE_PROVISIONING_ADDRESS. Every
 * pod signs and checks downloads with the one ACS_FIRMWARE_URL_SECRET.
 */
async function main(): Promise<void> {
  const env = new EnvReader();
  const config = loadFirmwareConfig();
  const fileServer = loadFileServerConfig();
  // A URL signed by one pod is served by any: they must share the secret, so a pod never makes one of its own.
  if (!fileServer.secret) throw new ConfigError('ACS_FIRMWARE_URL_SECRET', 'is required in a firmware pod (at least 16 bytes, the same in every pod)');
  const campaigns = { provisioning: { address: config.campaigns.provisioningAddress }, fileServer, secret: fileServer.secret };
  const logger = createLogger({ service: 'acs-firmware' });
  const startup = logStarting(logger, { sessionStore: process.env.ACS_SESSION_STORE, eventBus: process.env.ACS_EVENT_BUS, store: 'mongodb', maxFileBytes: config.maxFileBytes });
  const adapters = await adaptersFromEnv('acs-firmware', logger);
  const mongo = await MongoConnection.open(readMongoConfig(process.env, 'acs-firmware'));
  const store = await openMongoFirmwareStore(mongo);
  logger.info({ adapters: adapters.describe, mongo: mongo.displayUrl }, 'adapters connected');
  const app = await NestFactory.create(FirmwareAppModule.forRoot(adapters, logger, store, campaigns), { logger: ['error', 'warn'] });
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
