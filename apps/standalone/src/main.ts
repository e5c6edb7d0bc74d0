import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { CwmpHttpServer, loadGatewayConfig } from '@acs/gateway';
import { listenManagement } from '@acs/infra-runtime';
import { DataDirectoryInUseError, lockDataDirectory, openSqliteGatewayStore } from '@acs/infra-sqlite';
import { AuditRetention, ClientRegistryFile, createNbiServerCredentials, ensureBootstrapClients, loadNbiConfig, SqliteAuditLog, loadNbiSecurityConfig } from '@acs/nbi';
import { loadFileServerConfig, loadFirmwareConfig, loadOrCreateDownloadSecret, openSqliteFirmwareStore } from '@acs/firmware';
import { loadGroupingConfig, openSqliteGroupingStore } from '@acs/grouping';
import { loadDiagnosticsConfig, openSqliteDiagnosticsStore } from '@acs/diagnostics';
import { closeOnSignals, createLogger, EnvReader, InProcessAuthLockoutStore, InProcessEventBus, InProcessSessionStore, logStarting, type PlatformAdapters } from '@acs/platform';
import { isSqliteProvisioningStore, loadProvisioningConfig, openConfiguredEmbeddedStore } from '@acs/provisioning';
import { importLegacyStore } from './import-legacy-store';
import { StandaloneModule } from './standalone.module';

/** `npm start`: the whole ACS in one process, nothing to install. Data lives under ACS_DATA_DIR (./data). */
async function main(): Promise<void> {
  const env = new EnvReader();
  const logger = createLogger({ service: 'acs-standalone' });
  const provisioning = loadProvisioningConfig();
  const startup = logStarting(logger, { dataDir: provisioning.dataDir, store: provisioning.store.kind });
  // One process per data directory, claimed before any store opens: two processes on one directory overwrite each
  // other's data. Held until the stores are closed; the kernel releases it if the process dies.
  const lock = lockDataDirectory(provisioning.dataDir);
  // Device queues and the event outbox on disk, so queued work and deferred results survive a kill -9 like the data
  // does. Sessions and the bus stay in memory: a session does not outlive its process anyway, and what a bus message
  // in flight carried is recovered by provisioning's reconcile at start (reconcileLostWorkOnStart).
  // Commits as durable as the provisioning store's (ACS_STORE_SYNC): a task and its queued work survive together.
  const gatewayStore = openSqliteGatewayStore(provisioning.dataDir, { synchronous: provisioning.store.synchronous });
  const adapters: PlatformAdapters = {
    sessionStore: new InProcessSessionStore(),
    deviceQueue: gatewayStore.deviceQueue,
    eventBus: new InProcessEventBus(),
    outbox: gatewayStore.outbox,
    // Lockouts are kept in memory: a restart forgets them, which costs an attacker a restart of the ACS to win.
    authLockouts: new InProcessAuthLockoutStore(),
  };
  const store = await openConfiguredEmbeddedStore(provisioning.dataDir, provisioning.store);
  // nedb files of an earlier version are imported into the SQLite store before anything is served.
  await importLegacyStore(provisioning.dataDir, store, logger);
  // Firmware files: metadata in firmware.sqlite, content under files/, both in the data directory.
  const firmwareConfig = loadFirmwareConfig();
  const firmwareStore = await openSqliteFirmwareStore({ dataDir: provisioning.dataDir, cacheMiB: provisioning.store.cacheMiB, synchronous: provisioning.store.synchronous });
  // Groups and memberships in grouping.sqlite in the data directory.
  const groupingConfig = loadGroupingConfig();
  const groupingStore = openSqliteGroupingStore({ dataDir: provisioning.dataDir, cacheMiB: provisioning.store.cacheMiB, synchronous: provisioning.store.synchronous });
  // Diagnostic runs (and the service's other parts) in diagnostics.sqlite in the data directory.
  const diagnosticsConfig = loadDiagnosticsConfig();
  const diagnosticsStore = openSqliteDiagnosticsStore({ dataDir: provisioning.dataDir, cacheMiB: provisioning.store.cacheMiB, synchronous: provisioning.store.synchronous });
  // Campaigns call provisioning in this process; this process also serves the file server CPEs download from, signing
  // with ACS_FIRMWARE_URL_SECRET or the secret kept in the data directory.
  const fileServer = loadFileServerConfig();
  const campaigns = { provisioning: 'in-process' as const, fileServer, secret: fileServer.secret ?? (await loadOrCreateDownloadSecret(provisioning.dataDir)) };
  // Provisioning runs in this process, so the gateway waits for its plan (bootstrap presets apply in the same session).
  const gateway = loadGatewayConfig({ ...process.env, ACS_PLAN_WAIT_MS: process.env.ACS_PLAN_WAIT_MS ?? '1000' });
  // The public API: clients from ACS_NBI_CLIENTS_FILE, else a file of this installation with one admin client whose
  // token is written beside it on first start; the audit log in a SQLite database there.
  const security = loadNbiSecurityConfig();
  const nbiDir = join(provisioning.dataDir, 'nbi');
  const bootstrap = security.clientsFile ? undefined : await ensureBootstrapClients(nbiDir);
  const clients = await ClientRegistryFile.open(security.clientsFile ?? bootstrap!.clientsFile, { logger });
  // The audit log in SQLite beside the clients file; entries past the retention period are deleted hourly.
  const auditLog = await SqliteAuditLog.open(nbiDir, { logger, synchronous: provisioning.store.synchronous });
  const retention = security.auditRetentionDays > 0 ? new AuditRetention(auditLog, security.auditRetentionDays * 86_400_000, logger) : undefined;
  const nbi = {
    // Provisioning runs in this process: the NBI calls it directly, through the same client interface as between pods.
    config: loadNbiConfig(process.env, { host: '127.0.0.1' }),
    backends: 'in-process' as const,
    auditLog,
    clients,
    rateLimit: security.rateLimit,
    unauthenticatedLimit: security.unauthenticatedLimit,
    maxStreamsPerClient: security.maxStreamsPerClient,
    credentials: await createNbiServerCredentials(security.tls),
    onShutdown: async () => {
      await retention?.stop();
      await clients.close();
    },
  };
  // The databases behind acs_store_*_bytes on /metrics, named by their path in the data directory.
  const storeDatabases = () => [
    ...(isSqliteProvisioningStore(store) ? [{ name: 'provisioning', database: store.database }] : []),
    { name: 'firmware', database: firmwareStore.database },
    { name: 'grouping', database: groupingStore.database },
    { name: 'diagnostics', database: diagnosticsStore.database },
    { name: 'gateway', database: gatewayStore.database },
    { name: 'nbi/audit', database: auditLog.database },
  ];
  const app = await NestFactory.create(StandaloneModule.forRoot({ store, adapters, gateway, provisioning, firmware: { store: firmwareStore, config: firmwareConfig, campaigns }, grouping: { store: groupingStore, config: groupingConfig }, diagnostics: { store: diagnosticsStore, config: diagnosticsConfig }, nbi, logger, storeDatabases }), { logger: ['error', 'warn'] });
  // The app's shutdown closes the provisioning, firmware, grouping and diagnostics stores (after their consumers stopped); then the gateway's, then the lock.
  closeOnSignals(app, {
    timeoutMs: env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }),
    logger,
    closes: ['event bus', 'gateway store', 'data directory lock'],
    afterClose: async () => {
      await adapters.eventBus.close();
      gatewayStore.close();
      lock.release();
    },
  });
  retention?.start();
  const mgmt = await listenManagement(app, env, { host: '127.0.0.1', port: 9464 });
  startup.ready({
    ...app.get(CwmpHttpServer).urls,
    nbi: `${nbi.config.host}:${nbi.config.port}`,
    grpc: `${provisioning.grpc.host}:${provisioning.grpc.port}`,
    mgmt,
  });
  if (bootstrap?.created) {
    logger.info(
      { lifecycle: 'first-start', clientsFile: bootstrap.clientsFile, tokenFile: bootstrap.adminTokenFile },
      'first start: API client "admin" created; its token is in the file below (keep it safe)',
    );
  }
}

main().catch((error: unknown) => {
  // Not a fault of this program: the operator started a second one. Say so plainly, without a stack.
  if (error instanceof DataDirectoryInUseError) {
    process.stderr.write(`acs-standalone cannot start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`acs-standalone failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
