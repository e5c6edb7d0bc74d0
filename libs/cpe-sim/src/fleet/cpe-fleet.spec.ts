import { DataModel } from '../data-model/data-model';
import { HttpAuthenticator } from '../http/http-auth';
import { FakeAcs } from '../testing/fake-acs';
import { CpeFleet } from './cpe-fleet';
import { formatFleetReport } from './fleet-report';

describe('CpeFleet', () => {
  let acs: FakeAcs;
  let urls: string[];
  let fleet: CpeFleet | undefined;

  beforeEach(async () => {
    acs = new FakeAcs();
    urls = await acs.listen(2);
  });

  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await acs.close();
  });

  it('runs one session per CPE with bounded concurrency and summarises them', async () => {
    fleet = new CpeFleet({ count: 25, acsUrl: urls, model: DataModel.builtin('tr098'), serialPrefix: 'FLT', concurrency: 4 });
    expect(new Set(fleet.cpes.map((c) => c.deviceId)).size).toBe(25);
    expect(fleet.cpes[3]!.deviceId).toBe('001122-SimGateway-FLT000003');
    acs.queue.push({ kind: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.Nope'] });
    const reports = await fleet.runSessions(['2 PERIODIC']);
    expect(reports).toHaveLength(25);
    expect(reports.every((r) => !r.error)).toBe(true);
    const report = fleet.report();
    expect(report.sessions).toEqual({ total: 25, ok: 25, failed: 0 });
    expect(report.rpcs).toEqual({ GetParameterValues: 1 });
    expect(report.faults).toEqual({ 9005: 1 });
    expect(report.httpStatuses).toEqual({ 200: 26, 204: 25 });
    // Each CPE's own requests alternate between the two URLs, so both served.
    expect(new Set(acs.requests.map((r) => r.server))).toEqual(new Set([0, 1]));
    expect(formatFleetReport(report)).toContain('sessions        25 (25 ok, 0 failed)');
    // Distinct WAN addresses per CPE.
    const wan = 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.ExternalIPAddress';
    expect(new Set(fleet.cpes.map((c) => c.model.value(wan))).size).toBe(25);
  });

  it('serves connection requests for the whole fleet on one port', async () => {
    fleet = new CpeFleet({ count: 3, acsUrl: urls[0]!, model: DataModel.builtin('tr181'), connectionRequestPort: 0, periodicInformInterval: 3600 });
    await fleet.start();
    expect(fleet.report().sessions.ok).toBe(3);
    const target = fleet.cpes[1]!;
    const url = target.model.value('Device.ManagementServer.ConnectionRequestURL')!;
    expect(new URL(url).port).toBe(String(fleet.connectionRequestPort));
    const challenge = await fetch(url);
    const auth = new HttpAuthenticator({ username: 'cpe', password: 'cpe' });
    auth.accept([challenge.headers.get('www-authenticate')!]);
    const session = target.waitForSession();
    expect((await fetch(url, { headers: { authorization: auth.authorization('GET', new URL(url).pathname)! } })).status).toBe(200);
    expect((await session).events).toEqual(['6 CONNECTION REQUEST']);
    expect(fleet.cpes[0]!.sessions).toHaveLength(1);
  });
});
