import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { startApp, type RunningApp } from '../support/processes';
import { builtAcsctl, type CliResult } from './support/groups-acceptance';
import { describeJobsAcceptance, JOB_FLEETS, readyForConnectionRequests } from './support/jobs-acceptance';

/** The rate job's devices: small for CI; the acceptance run sets 1000. */
const CPES = Number(process.env.ACS_E2E_BULK_JOB_CPES ?? 120);
/**
 * Starts per minute, below the devices' count so that the minute's limit binds and not only its spread: 100 for CI's
 * 120 devices (2 a second: 100 in 50 s, the rest after the first minute, ~70 s), 600 (10 a second, ~100 s) from 1,000 up.
 */
const STARTS_PER_MINUTE = Number(process.env.ACS_E2E_BULK_JOB_RATE ?? (CPES >= 1000 ? 600 : 100));
const SCALE = Math.max(1, CPES / 120);
const WAIT_MS = 60_000 * Math.min(SCALE, 4);

/**
 * Issue 14's acceptance on the standalone (`npm run -s build` first): a bulk Reboot of a group at a starts-per-minute
 * limit, a pause part way, the failure threshold — measured at the simulated CPEs (ACS_E2E_BULK_JOB_CPES devices in
 * the rate test, 20 in the pause test, 40 in the threshold test, one witness).
 */
describe(`bulk jobs acceptance (standalone, ${CPES} devices at ${STARTS_PER_MINUTE}/min)`, () => {
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let acsctl: (args: string[]) => Promise<CliResult>;
  const fleets = {} as Record<keyof typeof JOB_FLEETS, CpeFleet>;

  beforeAll(async () => {
    app = await startApp('standalone');
    channel = new NbiChannel(app.nbiAddress);
    const token = await bootstrapToken(app);
    api = channel.clients(token);
    acsctl = builtAcsctl(app.nbiAddress, token);
    const sizes = { rate: CPES, pause: 20, faults: 40, witness: 1 };
    for (const key of Object.keys(JOB_FLEETS) as Array<keyof typeof JOB_FLEETS>) {
      fleets[key] = new CpeFleet({
        count: sizes[key],
        acsUrl: app.cwmpUrl,
        model: DataModel.builtin('tr181'),
        ouiPrefix: '00E0FC',
        productClass: JOB_FLEETS[key],
        serialPrefix: JOB_FLEETS[key].toUpperCase(),
        periodicInformInterval: 3600,
        connectionRequestPort: 0,
      });
      await fleets[key].start();
    }
    const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 })), (r) => r.totalSize === total, 120_000 * SCALE, 250);
    await readyForConnectionRequests(api, Object.values(fleets), 120_000 * SCALE, 30_000);
  }, 240_000 * SCALE);

  afterAll(async () => {
    for (const fleet of Object.values(fleets)) await fleet.stop();
    channel?.close();
    const code = await app?.stop();
    expect(code).toBe(0);
  }, 60_000);

  describeJobsAcceptance(() => ({ api, acsctl, fleets }), {
    rateDevices: CPES,
    startsPerMinute: STARTS_PER_MINUTE,
    concurrency: 20,
    waitMs: WAIT_MS,
    callMs: 10_000,
    label: `standalone`,
  });
});
