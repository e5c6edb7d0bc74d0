import 'reflect-metadata';
import { loadFileServerConfig, loadFirmwareConfig, openMongoFirmwareStore } from '@acs/firmware';
import { runPod } from '@acs/infra-runtime';
import { ConfigError } from '@acs/platform';
import { FirmwareAppModule } from './firmware-app.module';

/**
 * A firmware pod: file metadata in MongoDB and content in GridFS (ACS_MONGO_URL), the public FileService on
 * ACS_GRPC_HOST:ACS_GRPC_PORT (default 50053), relayed by the NBI (ACS_NBI_FIRMWARE_ADDRESS); the file server CPEs
 * download from (ACS_FIRMWARE_FILES_*); campaigns driving provisioning at ACS_FIRMWARE_PROVISIONING_ADDRESS, a group's members read from ACS_FIRMWARE_GROUPING_ADDRESS. Every
 * pod signs and checks downloads with the one ACS_FIRMWARE_URL_SECRET.
 */
runPod({
  service: 'acs-firmware',
  mgmtPort: 9467,
  config: () => {
    const config = loadFirmwareConfig();
    const fileServer = loadFileServerConfig();
    // A URL signed by one pod is served by any: they must share the secret, so a pod never makes one of its own.
    if (!fileServer.secret) throw new ConfigError('ACS_FIRMWARE_URL_SECRET', 'is required in a firmware pod (at least 16 bytes, the same in every pod)');
    return {
      config,
      campaigns: { provisioning: { address: config.campaigns.provisioningAddress }, grouping: { address: config.campaigns.groupingAddress }, fileServer, secret: fileServer.secret },
    };
  },
  starting: ({ config }) => ({ store: 'mongodb', maxFileBytes: config.maxFileBytes }),
  open: async (pod, { config, campaigns }) => {
    const mongo = await pod.openMongo();
    const store = await openMongoFirmwareStore(mongo);
    return {
      module: FirmwareAppModule.forRoot(pod.adapters, pod.logger, store, campaigns),
      ready: () => ({ grpc: `${config.grpc.host}:${config.grpc.port}`, mongo: mongo.displayUrl }),
    };
  },
});
