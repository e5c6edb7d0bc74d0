import 'reflect-metadata';
import { loadDiagnosticsConfig, openMongoDiagnosticsStore } from '@acs/diagnostics';
import { runPod } from '@acs/infra-runtime';
import { DiagnosticsAppModule } from './diagnostics-app.module';

/**
 * A diagnostics pod: TR-143 test runs in MongoDB (ACS_MONGO_URL, collections `diagnostics.*`), their tasks created in
 * provisioning at ACS_DIAGNOSTICS_PROVISIONING_ADDRESS and followed on `acs.task` (Kafka, consumer group
 * `diagnostics`), `acs.diagnostics` published; runs past their deadline timed out every ACS_DIAGNOSTICS_SWEEP_MS; the
 * public DiagnosticsService on ACS_GRPC_HOST:ACS_GRPC_PORT (default 50055), relayed by the NBI
 * (ACS_NBI_DIAGNOSTICS_ADDRESS).
 */
runPod({
  service: 'acs-diagnostics',
  mgmtPort: 9469,
  config: () => loadDiagnosticsConfig(),
  starting: (config) => ({ store: 'mongodb', provisioning: config.provisioningAddress }),
  open: async (pod, config) => {
    const mongo = await pod.openMongo();
    const store = await openMongoDiagnosticsStore(mongo);
    return {
      module: DiagnosticsAppModule.forRoot(pod.adapters, pod.logger, store, config),
      ready: () => ({ grpc: `${config.grpc.host}:${config.grpc.port}`, mongo: mongo.displayUrl }),
    };
  },
});
