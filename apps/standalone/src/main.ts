import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadGatewayConfig } from '@acs/gateway';
import { closeOnSignals, EnvReader } from '@acs/platform';
import { loadProvisioningConfig, openEmbeddedProvisioningStore } from '@acs/provisioning';
import { StandaloneModule } from './standalone.module';

/** `npm start`: the whole ACS in one process, nothing to install. Data lives under ACS_DATA_DIR (./data). */
async function main(): Promise<void> {
  const env = new EnvReader();
  const provisioning = loadProvisioningConfig();
  const store = await openEmbeddedProvisioningStore({ dataDir: provisioning.dataDir });
  // Provisioning runs in this process, so the gateway waits for its plan (bootstrap presets apply in the same session).
  const gateway = loadGatewayConfig({ ...process.env, ACS_PLAN_WAIT_MS: process.env.ACS_PLAN_WAIT_MS ?? '1000' });
  const app = await NestFactory.create(StandaloneModule.forRoot({ store, gateway, provisioning }), { logger: ['error', 'warn'] });
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
