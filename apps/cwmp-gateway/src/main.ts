import 'reflect-metadata';
import { CwmpHttpServer, loadGatewayConfig } from '@acs/gateway';
import { runPod } from '@acs/infra-runtime';
import { CwmpGatewayModule } from './cwmp-gateway.module';

/** A gateway pod: adapters from ACS_SESSION_STORE / ACS_EVENT_BUS (Redis and Kafka in production). */
runPod({
  service: 'acs-cwmp-gateway',
  mgmtPort: 9464,
  config: () => loadGatewayConfig(),
  open: async (pod, { limits: { maxBodyBytes } }) => {
    // A CPE's answer travels as one bus message: a body limit the bus cannot carry would fault every large answer.
    // JSON of a parsed answer can exceed its SOAP in the worst case (escapes), hence the margin.
    const { maxMessageBytes } = pod.adapters;
    if (maxMessageBytes !== undefined && maxBodyBytes * 1.25 > maxMessageBytes) {
      throw new Error(`ACS_MAX_BODY_BYTES (${maxBodyBytes}) is too large for ACS_KAFKA_MAX_MESSAGE_BYTES (${maxMessageBytes}): keep it at most 80% of the bus's message limit, or raise that limit (and the topics' max.message.bytes)`);
    }
    return {
      module: CwmpGatewayModule.forRoot(pod.adapters, pod.logger),
      ready: (app) => app.get(CwmpHttpServer).urls,
    };
  },
});
