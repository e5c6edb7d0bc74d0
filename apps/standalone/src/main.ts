import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { EnvReader, closeOnSignals } from '@acs/platform';
import { StandaloneModule } from './standalone.module';

/** `npm start`: the whole ACS in one process, nothing to install. */
async function main(): Promise<void> {
  const env = new EnvReader();
  const app = await NestFactory.create(StandaloneModule.forRoot(), { logger: ['error', 'warn'] });
  closeOnSignals(app, env.int('ACS_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 1000 }));
  const host = env.string('ACS_MGMT_HOST', '127.0.0.1');
  const port = env.int('ACS_MGMT_PORT', 9464, { min: 0, max: 65535 });
  await app.listen(port, host);
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'management endpoint listening', host, port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-standalone failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
