import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { startApp, type RunningApp } from '../support/processes';
import { builtAcsctl, describeGroupsAcceptance, type CliResult } from './support/groups-acceptance';

const CPES = 20;

/**
 * Groups in the standalone (`npm start`'s process): grouping, provisioning and the NBI in one process, simulated CPEs
 * reporting their changes, the public API and the built acsctl (test/e2e/grouping/support/groups-acceptance.ts).
 */
describe(`device groups (standalone, ${CPES} simulated CPEs)`, () => {
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let acsctl: (args: string[]) => Promise<CliResult>;
  let fleet: CpeFleet;

  beforeAll(async () => {
    app = await startApp('standalone');
    const token = await bootstrapToken(app);
    channel = new NbiChannel(app.nbiAddress);
    api = channel.clients(token);
    acsctl = builtAcsctl(app.nbiAddress, token);
    fleet = new CpeFleet({
      count: CPES,
      acsUrl: app.cwmpUrl,
      model: DataModel.builtin('tr181'),
      ouiPrefix: '00E0FC',
      productClass: 'GroupBox',
      serialPrefix: 'GRP',
      periodicInformInterval: 3600,
      connectionRequestPort: 0,
    });
    await fleet.start();
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 })), (r) => r.totalSize === CPES, 60_000);
    await Promise.all(fleet.cpes.map((cpe) => cpe.idle()));
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    channel?.close();
    const code = await app?.stop();
    expect(code).toBe(0);
  });

  describeGroupsAcceptance(() => ({ api, acsctl, cpes: fleet.cpes }), { waitMs: 30_000 });
});
