import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MongoConnection, readMongoConfig } from '@acs/infra-mongo';
import { adaptersFromEnv } from '@acs/infra-runtime';
import { AuditRetention, ClientRegistryFile, createNbiServerCredentials, loadNbiConfig, loadNbiSecurityConfig, MongoAuditLog } from '@acs/nbi';
import { closeOnSignals, ConfigError, createLogger, EnvReader, logStarting } from '@acs/platform';
import { NbiAppModule } from './nbi-app.module';

/**
 * An nbi pod: the public gRPC API `acs.v1` on ACS_NBI_HOST:ACS_NBI_PORT, relayed to the provisioning service
 * (ACS_NBI_PROVISIONING_ADDRESS); clients from ACS_NBI_CLIENTS_FILE; the audit log in MongoDB (ACS_MONGO_URL); live
 * events from Kafka (ACS_EVENT_BUS=kafka).
 */
async function main(): Promise<void> {
  const env = new EnvReader();
  const logger = createLogger({ service: 'acs-nbi' });
  const startup = logStarting(logger, { eventBus: process.env.ACS_EVENT_BUS, store: 'mongodb' });
  const security = loadNbiSecurityConfig();
  if (!security.clientsFile) throw new ConfigError('ACS_NBI_CLIENTS_FILE', 'is required: the YAML file of API clients and their roles (docs/nbi-security.md)');
  const config = loadNbiConfig(process.env, { host: '0.0.0.0' });
  const clients = await ClientRegistryFile.open(security.clientsFile, { logger });
  const credentials = await createNbiServerCredentials(security.tls);
  const adapters = await adaptersFromEnv('acs-nbi', logger);
  const mongo = await MongoConnection.open(readMongoConfig(process.env, 'acs-nbi'));
  const auditLog = await MongoAuditLog.open(mongo);
  // FerretDB has no TTL indexes: old audit entries are deleted on a schedule (0 keeps them for ever).
  const retention = security.auditRetentionDays > 0 ? new AuditRetention(auditLog, security.auditRetentionDays * 86_400_000, logger) : undefined;
  logger.info({ adapters: adapters.describe, mongo: mongo.displayUrl, tls: security.tls ? (security.tls.clientCaFile ? 'mtls' : 'tls') : 'off' }, 'adapters connected');
  const app = await NestFactory.create(
    NbiAppModule.forRoot(adapters, logger, { config, auditLog, clients, rateLimit: security.rateLimit, unauthenticatedLimit: security.unauthenticatedLimit, maxStreamsPerClient: security.maxStreamsPerClient, credentials, onShutdown: () => clients.close() }),
    { logger: ['error', 'warn'] },
  );
  closeOnSignals(app, {
    timeoutMs: env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }),
    logger,
    closes: ['audit retention', 'adapters', 'mongodb connection'],
    afterClose: async () => {
      await retention?.stop();
      await adapters.close();
      await mongo.close();
    },
  });
  retention?.start();
  const host = env.string('ACS_MGMT_HOST', '0.0.0.0');
  const port = env.int('ACS_MGMT_PORT', 9466, { min: 0, max: 65535 });
  await app.listen(port, host);
  startup.ready({ nbi: `${config.host}:${config.port}`, provisioning: config.provisioningAddress, mgmt: `http://${host}:${port}`, tls: security.tls ? (security.tls.clientCaFile ? 'mtls' : 'tls') : 'off' });
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-nbi failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
