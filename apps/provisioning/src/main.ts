import 'reflect-metadata';
import { runPod } from '@acs/infra-runtime';
import { loadProvisioningConfig, openMongoProvisioningStore } from '@acs/provisioning';
import { ProvisioningAppModule } from './provisioning-app.module';

/**
 * A provisioning pod: devices, tasks, presets and faults in MongoDB (ACS_MONGO_URL), device queues and plan marks in
 * Redis, gateway events from Kafka (ACS_SESSION_STORE=redis, ACS_EVENT_BUS=kafka), the internal gRPC API on
 * ACS_GRPC_HOST:ACS_GRPC_PORT.
 */
runPod({
  service: 'acs-provisioning',
  mgmtPort: 9465,
  config: () => loadProvisioningConfig(),
  starting: () => ({ store: 'mongodb' }),
  open: async (pod, { grpc }) => {
    const mongo = await pod.openMongo();
    const store = await openMongoProvisioningStore(mongo);
    return {
      module: ProvisioningAppModule.forRoot(pod.adapters, pod.logger, store),
      ready: () => ({ grpc: `${grpc.host}:${grpc.port}`, mongo: mongo.displayUrl }),
    };
  },
});
