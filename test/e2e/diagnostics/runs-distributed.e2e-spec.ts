import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SimulatedCpe } from '@acs/cpe-sim';

import { builtAcsctl, type CliResult } from '../grouping/support/groups-acceptance';
import { NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { writeTestClients } from '../nbi/support/nbi-clients-file';
import { startNbiProcess } from '../nbi/support/nbi-process';
import { sharedInfrastructureEnv, startApp } from '../support/processes';
import { describeRunsAcceptance, startDiagnosticsCpe } from './support/runs-acceptance';
import { TransferServer } from './support/transfer-server';

/**
 * The diagnostics runs acceptance on the distributed ACS (Kafka, Redis, FerretDB): provisioning, a gateway, a
 * diagnostics pod (its DiagnosticsService on its own gRPC port, runs in FerretDB, `acs.task` read from Kafka, tasks
 * created in provisioning over gRPC) and an nbi pod relaying it (ACS_NBI_DIAGNOSTICS_ADDRESS).
 */
describe('diagnostics runs on the distributed ACS (a TR-181 and a TR-098 simulated CPE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-diagnostics-distributed-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  const pods: Array<{ stop(): Promise<unknown> }> = [];
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let acsctl: (args: string[]) => Promise<CliResult>;
  let files: TransferServer;
  let tr181: SimulatedCpe;
  let tr098: SimulatedCpe;

  beforeAll(async () => {
    const clients = writeTestClients(dir);
    const provisioning = await startApp('provisioning', shared).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    pods.push(provisioning);
    // A device is woken at most once a second (default 5 s): each case asks for a connection request.
    const gateway = await startApp('cwmp-gateway', { ...shared, ACS_PLAN_WAIT_MS: '3000', ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '1000' });
    pods.push(gateway);
    // Runs past their deadline are ended by a sweep: often enough here that the timeout case ends soon after it.
    const diagnostics = await startApp('diagnostics', { ...shared, ACS_DIAGNOSTICS_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_DIAGNOSTICS_SWEEP_MS: '200' });
    pods.push(diagnostics);
    const nbi = await startNbiProcess({ ...shared, ACS_NBI_CLIENTS_FILE: clients.file, ACS_NBI_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_NBI_DIAGNOSTICS_ADDRESS: diagnostics.grpcAddress });
    pods.push(nbi);
    channel = new NbiChannel(nbi.nbiAddress);
    api = channel.clients(clients.admin);
    acsctl = builtAcsctl(nbi.nbiAddress, clients.admin);
    files = await TransferServer.start();
    const suffix = run.toUpperCase();
    [tr181, tr098] = await Promise.all([startDiagnosticsCpe(gateway.cwmpUrl, 'tr181', `D181${suffix}`), startDiagnosticsCpe(gateway.cwmpUrl, 'tr098', `D098${suffix}`)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([tr181?.stop(), tr098?.stop()]);
    await files?.stop();
    channel?.close();
    for (const pod of pods.reverse()) await pod.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describeRunsAcceptance(() => ({ api, acsctl, tr181, tr098, files }), { waitMs: 60_000 });
});
