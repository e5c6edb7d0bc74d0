import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { EnvReader, inProcessAdapters, closeOnSignals } from '@acs/platform';
import { CwmpGatewayModule } from './cwmp-gateway.module';

/**
 * A gateway pod. Until the Redis and Kafka adapters are wired here it runs on in-process adapters, which makes it a
 * single-pod gateway without the other services.
 */
async function main(): Promise<void> {
  const env = new EnvReader();
  const app = await NestFactory.create(CwmpGatewayModule.forRoot(inProcessAdapters()), { logger: ['error', 'warn'] });
  closeOnSignals(app, env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }));
  await app.listen(env.int('ACS_MGMT_PORT', 9464, { min: 0, max: 65535 }), env.string('ACS_MGMT_HOST', '0.0.0.0'));
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-cwmp-gateway failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
