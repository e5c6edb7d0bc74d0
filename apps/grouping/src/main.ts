import 'reflect-metadata';
import { loadGroupingConfig, openMongoGroupingStore } from '@acs/grouping';
import { runPod } from '@acs/infra-runtime';
import { GroupingAppModule } from './grouping-app.module';

/**
 * A grouping pod: groups and memberships in MongoDB (ACS_MONGO_URL, collections `grouping.*`), dynamic membership kept
 * from `acs.device` (Kafka, consumer group `grouping.devices`), the inventory read from provisioning at
 * ACS_GROUPING_PROVISIONING_ADDRESS, `acs.group` published; the groups no event keeps current re-evaluated every
 * ACS_GROUPING_REEVALUATE_MS by the one pod holding the lease (owner ACS_POD_NAME); the public GroupService on
 * ACS_GRPC_HOST:ACS_GRPC_PORT (default 50054), relayed by the NBI (ACS_NBI_GROUPING_ADDRESS); campaign jobs' campaigns
 * created in the firmware service at ACS_GROUPING_FIRMWARE_ADDRESS.
 */
runPod({
  service: 'acs-grouping',
  mgmtPort: 9468,
  config: () => loadGroupingConfig(),
  starting: (config) => ({ store: 'mongodb', provisioning: config.provisioningAddress, firmware: config.firmwareAddress }),
  open: async (pod, config) => {
    const mongo = await pod.openMongo();
    const store = await openMongoGroupingStore(mongo);
    return {
      module: GroupingAppModule.forRoot(pod.adapters, pod.logger, store, config),
      ready: () => ({ grpc: `${config.grpc.host}:${config.grpc.port}`, mongo: mongo.displayUrl }),
    };
  },
});
