import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { adaptersFromEnv } from '@acs/infra-runtime';
import { CwmpHttpServer, loadGatewayConfig } from '@acs/gateway';
import { closeOnSignals, createLogger, EnvReader, logStarting } from '@acs/platform';
import { CwmpGatewayModule } from './cwmp-gateway.module';

/** A gateway pod: adapters from ACS_SESSION_STORE / ACS_EVENT_BUS (Redis and Kafka in production). */
async function main(): Promise<void> {
  const env = new EnvReader();
  const logger = createLogger({ service: 'acs-cwmp-gateway' });
  const startup = logStarting(logger, { sessionStore: process.env.ACS_SESSION_STORE, eventBus: process.env.ACS_EVENT_BUS });
  // A CPE's answer travels as one bus message: a body limit the bus cannot carry would fault every large answer.
  // JSON of a parsed answer can exceed its SOAP in the worst case (escapes), hence the margin.
  const { maxBodyBytes } = loadGatewayConfig().limits;
  const adapters = await adaptersFromEnv('acs-cwmp-gateway', logger);
  if (adapters.maxMessageBytes !== undefined && maxBodyBytes * 1.25 > adapters.maxMessageBytes) {
    await adapters.close();
    throw new Error(`ACS_MAX_BODY_BYTES (${maxBodyBytes}) is too large for ACS_KAFKA_MAX_MESSAGE_BYTES (${adapters.maxMessageBytes}): keep it at most 80% of the bus's message limit, or raise that limit (and the topics' max.message.bytes)`);
  }
  logger.info({ adapters: adapters.describe }, 'adapters connected');
  const app = await NestFactory.create(CwmpGatewayModule.forRoot(adapters, logger), { logger: ['error', 'warn'] });
  closeOnSignals(app, { timeoutMs: env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }), logger, closes: ['adapters'], afterClose: () => adapters.close() });
  const host = env.string('ACS_MGMT_HOST', '0.0.0.0');
  const port = env.int('ACS_MGMT_PORT', 9464, { min: 0, max: 65535 });
  await app.listen(port, host);
  const cwmp = app.get(CwmpHttpServer).addresses;
  startup.ready({
    cwmp: cwmp.http && `http://${cwmp.http.address}:${cwmp.http.port}/`,
    cwmpHttps: cwmp.https && `https://${cwmp.https.address}:${cwmp.https.port}/`,
    mgmt: `http://${host}:${port}`,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-cwmp-gateway failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
