import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { status, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { failureOf } from '@acs/platform';

import { freePort, sharedInfrastructureEnv, startApp, type RunningApp } from '../support/processes';
import { eventually, healthStatus, NbiChannel } from './support/nbi-client';
import { writeTestClients, type TestClients } from './support/nbi-clients-file';
import { startNbiProcess, type NbiProcess } from './support/nbi-process';

/** What a probe of the pod sees: the whole server and one service that needs provisioning. */
async function statuses(address: string): Promise<{ server: string; devices: string }> {
  const [server, devices] = await Promise.all([healthStatus(address, ''), healthStatus(address, 'acs.v1.DeviceService')]);
  return { server, devices };
}

/**
 * The nbi pod's health follows its dependencies: NOT_SERVING while the provisioning service it relays to is
 * unreachable, SERVING within seconds of it coming up, NOT_SERVING again once it goes. Distributed mode: the pods on
 * the shared Redis, Kafka and FerretDB (`npm run infra:up`), each run under its own names.
 */
describe('nbi pod health (distributed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-health-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  let clients: TestClients;
  let provisioningAddress: string;
  let provisioningPort: number;
  let nbi: NbiProcess;
  let provisioning: RunningApp | undefined;
  let channel: NbiChannel;

  beforeAll(async () => {
    clients = writeTestClients(dir);
    provisioningPort = await freePort();
    provisioningAddress = `127.0.0.1:${provisioningPort}`;
    nbi = await startNbiProcess({
      ...shared,
      ACS_NBI_CLIENTS_FILE: clients.file,
      ACS_NBI_PROVISIONING_ADDRESS: provisioningAddress,
      ACS_NBI_HEALTH_INTERVAL_MS: '300',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: \`bash deploy/local/infra.sh status\`)`);
    });
    channel = new NbiChannel(nbi.nbiAddress);
  }, 90_000);

  afterAll(async () => {
    channel?.close();
    await provisioning?.stop();
    await nbi?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('is NOT_SERVING while nothing listens at the provisioning address, and its calls fail UNAVAILABLE', async () => {
    expect(await statuses(nbi.nbiAddress)).toEqual({ server: 'NOT_SERVING', devices: 'NOT_SERVING' });
    const ready = await fetch(`${nbi.mgmtUrl}/health/ready`);
    expect(ready.ok).toBe(false);
    const error = await failureOf(channel.unary(acsV1.DeviceServiceService.listDevices, acsV1.ListDevicesRequest.fromPartial({}), { token: clients.admin }));
    expect(status[error.code]).toBe('UNAVAILABLE');
    // The dependency is named, its address is not.
    expect(error.details).toContain('provisioning');
    expect(error.details).not.toContain(String(provisioningPort));
  });

  it('turns SERVING within a few seconds of the provisioning service starting there, and serves calls', async () => {
    provisioning = await startApp('provisioning', { ...shared, ACS_GRPC_HOST: '127.0.0.1', ACS_GRPC_PORT: String(provisioningPort) });
    const started = Date.now();
    await eventually(
      () => statuses(nbi.nbiAddress),
      (s) => s.server === 'SERVING' && s.devices === 'SERVING',
      5000,
    );
    // Printed, not asserted: the bound above is the acceptance; the figure is for whoever tunes the interval.
    console.log(`nbi SERVING ${Date.now() - started} ms after provisioning was ready`);
    const devices = await channel.unary(acsV1.DeviceServiceService.listDevices, acsV1.ListDevicesRequest.fromPartial({}), { token: clients.admin });
    expect(devices.devices).toEqual([]);
  }, 90_000);

  it('is NOT_SERVING again once the provisioning service stops', async () => {
    await provisioning!.stop();
    provisioning = undefined;
    await eventually(
      () => statuses(nbi.nbiAddress),
      (s) => s.server === 'NOT_SERVING' && s.devices === 'NOT_SERVING',
      5000,
    );
    const error: ServiceError = await failureOf(
      channel.unary(acsV1.DeviceServiceService.listDevices, acsV1.ListDevicesRequest.fromPartial({}), { token: clients.admin }),
    );
    expect(status[error.code]).toBe('UNAVAILABLE');
  }, 30_000);
});
