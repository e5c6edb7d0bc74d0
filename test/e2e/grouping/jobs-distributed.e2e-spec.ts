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
import { builtAcsctl, type CliResult } from './support/groups-acceptance';
import { describeJobsAcceptance, JOB_FLEETS, readyForConnectionRequests } from './support/jobs-acceptance';

/** Few devices: FerretDB is slow on a loaded box. */
const CPES = Number(process.env.ACS_E2E_DISTRIBUTED_JOB_CPES ?? 50);
/** Below the devices' count so that the minute's limit binds: one a second, 40 in 40 s, the last 10 after the minute. */
const STARTS_PER_MINUTE = 40;

/**
 * Issue 14's acceptance of bulk jobs on the distributed ACS (Kafka, Redis, FerretDB): provisioning, a gateway, a
 * grouping pod (its JobService on its own gRPC port, the runs in FerretDB, the tasks' `acs.task` events read from
 * Kafka) and an nbi pod relaying it (ACS_NBI_GROUPING_ADDRESS). The same tests as the standalone's.
 */
describe(`bulk jobs acceptance on the distributed ACS (${CPES} devices at ${STARTS_PER_MINUTE}/min)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-jobs-distributed-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  const pods: Array<{ stop(): Promise<unknown> }> = [];
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let acsctl: (args: string[]) => Promise<CliResult>;
  const fleets = {} as Record<keyof typeof JOB_FLEETS, CpeFleet>;

  beforeAll(async () => {
    const clients = writeTestClients(dir);
    const provisioning = await startApp('provisioning', shared).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    pods.push(provisioning);
    const gateway = await startApp('cwmp-gateway', { ...shared, ACS_PLAN_WAIT_MS: '3000', ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '0' });
    pods.push(gateway);
    const grouping = await startApp('grouping', { ...shared, ACS_GROUPING_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_POD_NAME: `grouping-${run}` });
    pods.push(grouping);
    const nbi = await startNbiProcess({ ...shared, ACS_NBI_CLIENTS_FILE: clients.file, ACS_NBI_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_NBI_GROUPING_ADDRESS: grouping.grpcAddress });
    pods.push(nbi);
    channel = new NbiChannel(nbi.nbiAddress);
    api = channel.clients(clients.admin);
    acsctl = builtAcsctl(nbi.nbiAddress, clients.admin);
    const sizes = { rate: CPES, pause: 20, faults: 30, witness: 1 };
    for (const key of Object.keys(JOB_FLEETS) as Array<keyof typeof JOB_FLEETS>) {
      fleets[key] = new CpeFleet({
        count: sizes[key],
        acsUrl: gateway.cwmpUrl,
        model: DataModel.builtin('tr181'),
        ouiPrefix: '00E0FC',
        productClass: JOB_FLEETS[key],
        serialPrefix: `${key.toUpperCase()}${run.toUpperCase()}`,
        periodicInformInterval: 3600,
        connectionRequestPort: 0,
      });
      await fleets[key].start();
    }
    const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 }), 30_000), (r) => r.totalSize === total, 120_000, 250);
    await readyForConnectionRequests(api, Object.values(fleets), 120_000, 30_000);
  }, 360_000);

  afterAll(async () => {
    for (const fleet of Object.values(fleets)) await fleet.stop();
    channel?.close();
    for (const pod of pods.reverse()) await pod.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describeJobsAcceptance(() => ({ api, acsctl, fleets }), {
    rateDevices: CPES,
    startsPerMinute: STARTS_PER_MINUTE,
    concurrency: 10,
    waitMs: 120_000,
    // A run's progress is a few dozen counts, each a scan on FerretDB: slow on a loaded box.
    callMs: 30_000,
    label: 'distributed',
  });
});
