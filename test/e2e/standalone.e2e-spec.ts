import { CpeFleet, DataModel } from '@acs/cpe-sim';
import { CwmpEventType, isEvent } from '@acs/contracts';
import type { AcsRequest } from '@acs/cwmp';
import type { BusMessage } from '@acs/platform';
import { metric, startApp, type RunningApp } from './support/processes';

const CPES = 200;

/** `npm start`'s process, 200 simulated CPEs over real HTTP, and work queued through the standalone's API. */
describe('standalone ACS with 200 simulated CPEs', () => {
  let app: RunningApp;
  let fleet: CpeFleet;

  beforeAll(async () => {
    // Raw queued work only: provisioning's own work for new devices (connection-request credentials) stays out.
    app = await startApp('standalone', { ACS_MANAGE_CR_CREDENTIALS: 'false' });
    fleet = new CpeFleet({ count: CPES, acsUrl: app.cwmpUrl, model: DataModel.builtin('tr181'), serialPrefix: 'E2E' });
  }, 30_000);

  afterAll(async () => {
    await fleet?.stop();
    const code = await app?.stop();
    expect(code).toBe(0);
  });

  async function events<T extends CwmpEventType>(type: T) {
    const res = await fetch(`${app.mgmtUrl}/v0/events?type=${encodeURIComponent(type)}&limit=100000`);
    expect(res.status).toBe(200);
    return ((await res.json()) as BusMessage[]).filter((e) => isEvent(e, type));
  }

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    const until = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('every device informs and its session completes', async () => {
    const reports = await fleet.runSessions(['0 BOOTSTRAP', '1 BOOT'], 50);
    expect(reports).toHaveLength(CPES);
    expect(reports.filter((r) => r.error)).toEqual([]);
    const informs = await eventually(() => events(CwmpEventType.inform), (e) => e.length >= CPES, 'inform events');
    expect(new Set(informs.map((e) => e.key)).size).toBe(CPES);
    expect(new Set(informs.map((e) => e.key))).toEqual(new Set(fleet.cpes.map((c) => c.deviceId)));
    const closed = await eventually(() => events(CwmpEventType.sessionClosed), (e) => e.length >= CPES, 'session-closed events');
    expect(closed.every((e) => e.data.reason === 'completed')).toBe(true);
    expect(await metric(app.mgmtUrl, 'acs_cwmp_sessions_started_total')).toBe(CPES);
  }, 60_000);

  it('runs queued GPV, SPV, AddObject, Reboot and Download items and publishes every result', async () => {
    const root = fleet.cpes[0].model.root;
    const work: AcsRequest[] = [
      { kind: 'GetParameterValues', parameterNames: [`${root}.DeviceInfo.`] },
      {
        kind: 'SetParameterValues',
        parameterKey: 'e2e-1',
        parameterList: [{ name: `${root}.ManagementServer.PeriodicInformInterval`, value: { type: 'unsignedInt', value: 600 } }],
      },
      {
        kind: 'AddObject',
        objectName: root === 'Device' ? 'Device.IP.Interface.' : 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.',
        parameterKey: 'e2e-2',
      },
      { kind: 'Reboot', commandKey: 'e2e-reboot' },
      {
        kind: 'Download',
        commandKey: 'e2e-fw',
        fileType: '1 Firmware Upgrade Image',
        url: 'http://127.0.0.1:1/firmware.bin',
        username: '',
        password: '',
        fileSize: 1024,
        targetFileName: '',
        delaySeconds: 0,
        successURL: '',
        failureURL: '',
      },
    ];
    for (const cpe of fleet.cpes) {
      for (const rpc of work) {
        const res = await fetch(`${app.mgmtUrl}/v0/devices/${encodeURIComponent(cpe.deviceId)}/work`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ rpc, taskId: `${cpe.deviceId}:${rpc.kind}` }),
        });
        expect(res.status).toBe(201);
      }
    }

    const reports = await fleet.runSessions(['6 CONNECTION REQUEST'], 50);
    expect(reports.filter((r) => r.error)).toEqual([]);
    for (const report of reports) expect(report.rpcs.map((r) => r.method)).toEqual(work.map((w) => w.kind));

    const results = await eventually(() => events(CwmpEventType.rpcResult), (e) => e.length >= CPES * work.length, 'rpc results');
    expect(results).toHaveLength(CPES * work.length);
    const byDevice = new Map<string, string[]>();
    for (const e of results) byDevice.set(e.key, [...(byDevice.get(e.key) ?? []), e.data.request.kind]);
    for (const cpe of fleet.cpes) expect(byDevice.get(cpe.deviceId)).toEqual(work.map((w) => w.kind));
    const spv = results.find((e) => e.data.request.kind === 'SetParameterValues')!;
    expect(spv.data).toMatchObject({ response: { kind: 'SetParameterValuesResponse', status: 0 } });
    for (const cpe of fleet.cpes) {
      const queued = (await (await fetch(`${app.mgmtUrl}/v0/devices/${encodeURIComponent(cpe.deviceId)}/work`)).json()) as unknown[];
      expect(queued).toEqual([]);
    }

    // After the reboot and the download, each device comes back with BOOT, M Reboot, TRANSFER COMPLETE, M Download
    // and reports the transfer with TransferComplete.
    const before = (await events(CwmpEventType.inform)).length;
    const after = await fleet.runSessions(undefined, 50);
    expect(after.filter((r) => r.error)).toEqual([]);
    const informs = (await eventually(() => events(CwmpEventType.inform), (e) => e.length >= before + CPES, 'informs after reboot')).slice(before);
    for (const inform of informs) {
      const codes = inform.data.inform.events.map((e) => e.eventCode);
      expect(codes).toEqual(expect.arrayContaining(['1 BOOT', 'M Reboot', '7 TRANSFER COMPLETE', 'M Download']));
    }
    const transfers = await eventually(() => events(CwmpEventType.cpeRequest), (e) => e.length >= CPES, 'TransferComplete requests');
    expect(transfers.filter((e) => e.data.request.kind === 'TransferComplete')).toHaveLength(CPES);
  }, 120_000);
});
