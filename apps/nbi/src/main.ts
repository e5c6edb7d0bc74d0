import 'reflect-metadata';
import { runPod } from '@acs/infra-runtime';
import { AuditRetention, ClientRegistryFile, createNbiServerCredentials, loadNbiConfig, loadNbiSecurityConfig, MongoAuditLog } from '@acs/nbi';
import { ConfigError } from '@acs/platform';
import { NbiAppModule } from './nbi-app.module';

/**
 * An nbi pod: the public gRPC API `acs.v1` on ACS_NBI_HOST:ACS_NBI_PORT, relayed to the provisioning service
 * (ACS_NBI_PROVISIONING_ADDRESS); clients from ACS_NBI_CLIENTS_FILE; the audit log in MongoDB (ACS_MONGO_URL); live
 * events from Kafka (ACS_EVENT_BUS=kafka).
 */
runPod({
  service: 'acs-nbi',
  mgmtPort: 9466,
  config: () => {
    const security = loadNbiSecurityConfig();
    if (!security.clientsFile) throw new ConfigError('ACS_NBI_CLIENTS_FILE', 'is required: the YAML file of API clients and their roles (docs/nbi-security.md)');
    return { security, clientsFile: security.clientsFile, config: loadNbiConfig(process.env, { host: '0.0.0.0' }) };
  },
  starting: () => ({ store: 'mongodb' }),
  open: async (pod, { security, clientsFile, config }) => {
    const clients = await ClientRegistryFile.open(clientsFile, { logger: pod.logger });
    const credentials = await createNbiServerCredentials(security.tls);
    const auditLog = await MongoAuditLog.open(await pod.openMongo());
    // FerretDB has no TTL indexes: old audit entries are deleted on a schedule (0 keeps them for ever).
    const retention = security.auditRetentionDays > 0 ? new AuditRetention(auditLog, security.auditRetentionDays * 86_400_000, pod.logger) : undefined;
    const tls = security.tls ? (security.tls.clientCaFile ? 'mtls' : 'tls') : 'off';
    const { rateLimit, unauthenticatedLimit, maxStreamsPerClient } = security;
    return {
      module: NbiAppModule.forRoot(pod.adapters, pod.logger, { config, auditLog, clients, rateLimit, unauthenticatedLimit, maxStreamsPerClient, credentials, onShutdown: () => clients.close() }),
      connected: { tls },
      closes: { names: ['audit retention'], close: async () => retention?.stop() },
      started: () => retention?.start(),
      ready: () => ({ nbi: `${config.host}:${config.port}`, provisioning: config.provisioningAddress, tls }),
    };
  },
});
