import type { AcsRequest } from '@acs/cwmp';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataModel } from '../data-model/data-model';
import { SimulatedCpe } from '../session/simulated-cpe';
import { FakeAcs } from '../testing/fake-acs';
import type { BulkDataClock } from './bulk-data-reporter';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A collector that records what it receives. */
async function collector(received: Received[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(request.url?.startsWith('/down') ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const FIXED_TIME = Date.parse('2026-12-08T10:00:00Z');

/** A clock a test moves by hand: timers fire when it passes their time. */
class ManualClock implements BulkDataClock {
  private time = FIXED_TIME;
  private timers: Array<{ at: number; task: () => void }> = [];
  now(): number {
    return this.time;
  }
  setTimer(ms: number, task: () => void): () => void {
    const timer = { at: this.time + ms, task };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.task();
  }
}

const P = 'Device.BulkData.Profile.1.';
const string = (value: string) => ({ type: 'string' as const, value });

describe('BulkData HTTP reports of a simulated CPE', () => {
  let acs: FakeAcs;
  let acsUrl: string;
  const received: Received[] = [];
  let sink: Awaited<ReturnType<typeof collector>>;
  const cpes: SimulatedCpe[] = [];

  beforeAll(async () => {
    acs = new FakeAcs();
    [acsUrl] = (await acs.listen(1)) as [string];
    sink = await collector(received);
  });
  beforeEach(() => received.splice(0));
  afterAll(async () => {
    for (const cpe of cpes) await cpe.stop();
    await sink.close();
    await acs.close();
  });

  /** Configures profile 1 as an ACS does: AddObject for the profile and its parameters, then one SetParameterValues. */
  async function configured(values: Record<string, string>, references: Array<[name: string, reference: string]>, clock = new ManualClock()): Promise<SimulatedCpe> {
    const cpe = new SimulatedCpe({ acsUrl, model: DataModel.builtin('tr181'), oui: '001122', productClass: 'Box', serialNumber: `B${cpes.length}`, clock, line: { downstreamBitsPerSecond: 8000, upstreamBitsPerSecond: 800 } });
    cpes.push(cpe);
    const rpcs: AcsRequest[] = [{ kind: 'AddObject', objectName: 'Device.BulkData.Profile.', parameterKey: '' }];
    for (let i = 0; i < references.length; i++) rpcs.push({ kind: 'AddObject', objectName: `${P}Parameter.`, parameterKey: '' });
    rpcs.push({ kind: 'AddObject', objectName: `${P}HTTP.RequestURIParameter.`, parameterKey: '' });
    const list = {
      'Device.BulkData.Enable': 'true',
      [`${P}Enable`]: 'true',
      [`${P}HTTP.URL`]: `${sink.url}/bulk`,
      [`${P}HTTP.RequestURIParameter.1.Name`]: 'sn',
      [`${P}HTTP.RequestURIParameter.1.Reference`]: 'Device.DeviceInfo.SerialNumber',
      ...Object.fromEntries(references.flatMap(([name, reference], i) => [[`${P}Parameter.${i + 1}.Name`, name], [`${P}Parameter.${i + 1}.Reference`, reference]])),
      ...values,
    };
    rpcs.push({ kind: 'SetParameterValues', parameterKey: '', parameterList: Object.entries(list).map(([name, value]) => ({ name, value: string(value) })) });
    acs.queue.push(...rpcs);
    const report = await cpe.runSession();
    expect(report.rpcs.filter((r) => r.faultCode !== undefined)).toEqual([]);
    return cpe;
  }

  it('JSON ObjectHierarchy: a Report array with CollectionTime and typed values, the spec headers', async () => {
    const cpe = await configured({ [`${P}ReportingInterval`]: '300' }, [['', 'Device.IP.Interface.1.Stats.'], ['', 'Device.DeviceInfo.SerialNumber']]);
    expect(cpe.model.value('Device.BulkData.ProfileNumberOfEntries')).toBe('1');
    const [delivery] = await cpe.reportBulkDataNow();
    expect(delivery).toMatchObject({ status: 200, encoding: 'JSON', format: 'ObjectHierarchy' });
    const [got] = received;
    expect(got!.method).toBe('POST');
    expect(got!.url).toBe(`/bulk?sn=${cpe.model.value('Device.DeviceInfo.SerialNumber')}`);
    expect(got!.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(got!.headers['bbf-report-format']).toBe('"ObjectHierarchy"');
    expect(got!.headers.date).toBe(new Date(FIXED_TIME).toUTCString());
    const body = JSON.parse(got!.body) as { Report: Array<Record<string, any>> };
    expect(body.Report).toHaveLength(1);
    expect(body.Report[0]!.CollectionTime).toBe(FIXED_TIME);
    expect(body.Report[0]!.Device.IP.Interface['1'].Stats).toEqual({ BytesSent: 0, BytesReceived: 0, PacketsSent: 0, PacketsReceived: 0 });
    expect(body.Report[0]!.Device.DeviceInfo.SerialNumber).toBe(cpe.model.value('Device.DeviceInfo.SerialNumber'));
  });

  it('JSON NameValuePair with wildcards and a Name prefix, ISO-8601 timestamps, on the reporting interval of the injected clock', async () => {
    const clock = new ManualClock();
    const cpe = await configured(
      { [`${P}ReportingInterval`]: '60', [`${P}JSONEncoding.ReportFormat`]: 'NameValuePair', [`${P}JSONEncoding.ReportTimestamp`]: 'ISO-8601' },
      [['WAN', 'Device.IP.Interface.*.Stats.BytesReceived'], ['', 'Device.WiFi.AccessPoint.*.AssociatedDeviceNumberOfEntries']],
      clock,
    );
    await cpe.start();
    clock.advance(60_000);
    await waitFor(() => received.length === 1);
    const body = JSON.parse(received[0]!.body) as { Report: Array<Record<string, unknown>> };
    expect(body.Report[0]).toEqual({
      CollectionTime: new Date(FIXED_TIME + 60_000).toISOString(),
      // 8000 bits/s for 60 s of the injected clock.
      'WAN.1.Stats.BytesReceived': 60_000,
      'Device.WiFi.AccessPoint.1.AssociatedDeviceNumberOfEntries': 3,
    });
    expect(received[0]!.headers['bbf-report-format']).toBe('"NameValuePair"');
    await cpe.stop();
  });

  it.each([
    ['ParameterPerRow', 'ReportTimestamp,ParameterName,ParameterValue,ParameterType\n' +
      `${FIXED_TIME},Device.DeviceInfo.Manufacturer,ACS Simulator,string\n${FIXED_TIME},Device.WiFi.SSID.1.SSID,"a,b",string\n`],
    ['ParameterPerColumn', `ReportTimestamp,Device.DeviceInfo.Manufacturer,Device.WiFi.SSID.1.SSID\n${FIXED_TIME},ACS Simulator,"a,b"\n`],
  ] as const)('CSV %s: header row, escaped fields, text/csv', async (format, expected) => {
    const cpe = await configured({ [`${P}EncodingType`]: 'CSV', [`${P}CSVEncoding.ReportFormat`]: format, 'Device.WiFi.SSID.1.SSID': 'a,b' }, [
      ['', 'Device.DeviceInfo.Manufacturer'],
      ['', 'Device.WiFi.SSID.1.SSID'],
    ]);
    await cpe.reportBulkDataNow();
    expect(received[0]!.headers['content-type']).toBe('text/csv; charset=UTF-8');
    expect(received[0]!.headers['bbf-report-format']).toBe(`"${format}"`);
    expect(received[0]!.body).toBe(expected);
  });

  it('a failed report is retained per NumberOfRetainedFailedReports and sent with the next one', async () => {
    const cpe = await configured({ [`${P}NumberOfRetainedFailedReports`]: '2', [`${P}HTTP.URL`]: `${sink.url}/down` }, [['', 'Device.DeviceInfo.SerialNumber']]);
    const [failed] = await cpe.reportBulkDataNow();
    expect(failed).toMatchObject({ status: 503, error: 'HTTP 503' });
    cpe.model.set(`${P}HTTP.URL`, `${sink.url}/bulk`);
    await cpe.reportBulkDataNow();
    expect((JSON.parse(received[1]!.body) as { Report: unknown[] }).Report).toHaveLength(2);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
