import type { SimulatedCpe } from '@acs/cpe-sim';

import { builtAcsctl, type CliResult } from '../grouping/support/groups-acceptance';
import { NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { startApp, type RunningApp } from '../support/processes';
import { describeRunsAcceptance, startDiagnosticsCpe } from './support/runs-acceptance';
import { TransferServer } from './support/transfer-server';

/**
 * On-demand TR-143 diagnostics in the standalone (`npm start`'s process: the diagnostics service, provisioning, the
 * gateway and the NBI in one process), a TR-181 and a TR-098 simulated CPE, the public API and the built acsctl
 * (test/e2e/diagnostics/support/runs-acceptance.ts).
 */
describe('diagnostics runs (standalone, a TR-181 and a TR-098 simulated CPE)', () => {
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let acsctl: (args: string[]) => Promise<CliResult>;
  let files: TransferServer;
  let tr181: SimulatedCpe;
  let tr098: SimulatedCpe;

  beforeAll(async () => {
    // Runs past their deadline are ended by a sweep: often enough here that the timeout case ends soon after it. A
    // device is woken at most once a second (default 5 s): each case asks for a connection request.
    app = await startApp('standalone', { ACS_DIAGNOSTICS_SWEEP_MS: '200', ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '1000' });
    const token = await bootstrapToken(app);
    channel = new NbiChannel(app.nbiAddress);
    api = channel.clients(token);
    acsctl = builtAcsctl(app.nbiAddress, token);
    files = await TransferServer.start();
    const suffix = Date.now().toString(36).toUpperCase();
    [tr181, tr098] = await Promise.all([startDiagnosticsCpe(app.cwmpUrl, 'tr181', `D181${suffix}`), startDiagnosticsCpe(app.cwmpUrl, 'tr098', `D098${suffix}`)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([tr181?.stop(), tr098?.stop()]);
    await files?.stop();
    channel?.close();
    const code = await app?.stop();
    expect(code).toBe(0);
  });

  describeRunsAcceptance(() => ({ api, acsctl, tr181, tr098, files }), { waitMs: 30_000 });
});
