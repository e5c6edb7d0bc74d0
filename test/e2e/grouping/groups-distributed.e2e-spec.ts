import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { writeTestClients } from '../nbi/support/nbi-clients-file';
import { startNbiProcess } from '../nbi/support/nbi-process';
import { sharedInfrastructureEnv, startApp } from '../support/processes';
import { builtAcsctl, describeGroupsAcceptance, type CliResult } from './support/groups-acceptance';

/** Few devices: FerretDB is slow on a loaded box, and the acceptance moves three of them. */
const CPES = 20;

/**
 * The groups acceptance on the distributed ACS (Kafka, Redis, FerretDB): provisioning, a gateway, a grouping pod
 * (its GroupService on its own gRPC port, `acs.device` read from Kafka, memberships in FerretDB) and an nbi pod
 * relaying it (ACS_NBI_GROUPING_ADDRESS); the `acs.group` events read from Kafka by the NBI's WatchEvents.
 */
describe(`device groups on the distributed ACS (${CPES} simulated CPEs)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-groups-distributed-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  const pods: Array<{ stop(): Promise<unknown> }> = [];
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let acsctl: (args: string[]) => Promise<CliResult>;
  let fleet: CpeFleet;

  beforeAll(async () => {
    const clients = writeTestClients(dir);
    const provisioning = await startApp('provisioning', shared).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    pods.push(provisioning);
    const gateway = await startApp('cwmp-gateway', { ...shared, ACS_PLAN_WAIT_MS: '3000' });
    pods.push(gateway);
    const grouping = await startApp('grouping', { ...shared, ACS_GROUPING_PROVISIONING_ADDRESS: provisioning.grpcAddress });
    pods.push(grouping);
    const nbi = await startNbiProcess({ ...shared, ACS_NBI_CLIENTS_FILE: clients.file, ACS_NBI_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_NBI_GROUPING_ADDRESS: grouping.grpcAddress });
    pods.push(nbi);
    channel = new NbiChannel(nbi.nbiAddress);
    api = channel.clients(clients.admin);
    acsctl = builtAcsctl(nbi.nbiAddress, clients.admin);
    fleet = new CpeFleet({
      count: CPES,
      acsUrl: gateway.cwmpUrl,
      model: DataModel.builtin('tr181'),
      ouiPrefix: '00E0FC',
      productClass: 'GroupBox',
      serialPrefix: `G${run.toUpperCase()}`,
      periodicInformInterval: 3600,
      connectionRequestPort: 0,
    });
    await fleet.start();
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 }), 30_000), (r) => r.totalSize === CPES, 120_000, 250);
    await Promise.all(fleet.cpes.map((cpe) => cpe.idle()));
  }, 240_000);

  afterAll(async () => {
    await fleet?.stop();
    channel?.close();
    for (const pod of pods.reverse()) await pod.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describeGroupsAcceptance(() => ({ api, acsctl, cpes: fleet.cpes }), { waitMs: 90_000 });
});
