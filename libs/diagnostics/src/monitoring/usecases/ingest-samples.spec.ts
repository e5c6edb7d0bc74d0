import { ValidationError } from '@acs/platform';

import { openMonitoringFixture, type MonitoringFixture } from '../testing/monitoring-fixture';

const T0 = Date.UTC(2026, 11, 8, 10, 0, 0);
const MIN15 = 900_000;
const BYTES_RX_181 = 'Device.IP.Interface.1.Stats.BytesReceived';
const BYTES_RX_098 = 'InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.TotalBytesReceived';
const UPTIME_181 = 'Device.DeviceInfo.UpTime';

describe('IngestSamples', () => {
  let f: MonitoringFixture;
  beforeEach(async () => {
    f = await openMonitoringFixture({ now: T0 + 3_600_000 });
  });
  afterEach(() => f.close());

  const raw = (deviceId: string, metric: string) => f.store.samples.readRaw(deviceId, metric, T0 - 86_400_000, T0 + 86_400_000);

  it('maps paths to metrics, stores gauges scaled and counters with their rate, and hands the points on', async () => {
    await f.ingest.execute({
      samples: [{ deviceId: 'ont-1', at: T0, source: 'inform', values: { [BYTES_RX_181]: '1000', 'Device.Optical.Interface.1.OpticalSignalLevel': '-12345', [UPTIME_181]: '100' } }],
    });
    const result = await f.ingest.execute({
      samples: [{ deviceId: 'ont-1', at: T0 + MIN15, source: 'inform', values: { [BYTES_RX_181]: String(1000 + 900 * 50_000), [UPTIME_181]: '1000' } }],
    });
    expect(result).toMatchObject({ devices: 1, stored: 2, points: 2, resets: 0, bySource: { inform: 1 } });
    expect(await raw('ont-1', 'wan.bytesReceived')).toEqual([
      { at: T0, value: 1000, rate: null },
      { at: T0 + MIN15, value: 1000 + 900 * 50_000, rate: 50_000 },
    ]);
    expect(await raw('ont-1', 'optical.rxPower')).toEqual([{ at: T0, value: -12.345 }]);
    expect(f.listener.calls).toHaveLength(2);
    expect(f.listener.calls[1]).toEqual([
      { deviceId: 'ont-1', metric: 'wan.bytesReceived', at: T0 + MIN15, value: 50_000 },
      { deviceId: 'ont-1', metric: 'system.uptime', at: T0 + MIN15, value: 1000 },
    ]);
    // The first reading of a counter has no rate: it is stored, not handed on.
    expect(f.listener.calls[0].map((p) => p.metric)).toEqual(['optical.rxPower', 'system.uptime']);
  });

  it('counts a TR-098 counter through its 32-bit wrap', async () => {
    await f.ingest.execute({ samples: [{ deviceId: 'igd-1', at: T0, source: 'read', values: { [BYTES_RX_098]: String(2 ** 32 - 100_000) } }] });
    await f.ingest.execute({ samples: [{ deviceId: 'igd-1', at: T0 + 100_000, source: 'read', values: { [BYTES_RX_098]: '900000' } }] });
    expect((await raw('igd-1', 'wan.bytesReceived'))[1]).toEqual({ at: T0 + 100_000, value: 900_000, rate: 10_000 });
  });

  it('records a reboot (uptime went back) as a reset with no rate, then rates again', async () => {
    const sample = (at: number, bytes: number, uptime: number) => ({ deviceId: 'ont-1', at, source: 'inform' as const, values: { [BYTES_RX_181]: bytes, [UPTIME_181]: uptime } });
    await f.ingest.execute({ samples: [sample(T0, 5_000_000, 86_400)] });
    const reboot = await f.ingest.execute({ samples: [sample(T0 + MIN15, 9_000_000, 300)] });
    await f.ingest.execute({ samples: [sample(T0 + 2 * MIN15, 9_000_000 + 900, 1200)] });
    expect(reboot.resets).toBe(1);
    expect(await raw('ont-1', 'wan.bytesReceived')).toEqual([
      { at: T0, value: 5_000_000, rate: null },
      { at: T0 + MIN15, value: 9_000_000, rate: null, reset: 'reboot' },
      { at: T0 + 2 * MIN15, value: 9_000_900, rate: 1 },
    ]);
    expect(f.listener.points.filter((p) => p.metric === 'wan.bytesReceived')).toEqual([{ deviceId: 'ont-1', metric: 'wan.bytesReceived', at: T0 + 2 * MIN15, value: 1 }]);
  });

  it('records a counter that fell without a reboot as a reset, never a negative rate', async () => {
    await f.ingest.execute({ samples: [{ deviceId: 'd', at: T0, source: 'read', values: { 'wan.errorsReceived': 2 ** 20 } }] });
    const result = await f.ingest.execute({ samples: [{ deviceId: 'd', at: T0 + MIN15, source: 'read', values: { 'wan.errorsReceived': 3 } }] });
    expect(result.resets).toBe(1);
    expect((await raw('d', 'wan.errorsReceived'))[1]).toEqual({ at: T0 + MIN15, value: 3, rate: null, reset: 'counter-fell' });
  });

  it('ignores duplicates and older readings, and skips what is not a known metric or a number', async () => {
    await f.ingest.execute({ samples: [{ deviceId: 'd', at: T0, source: 'inform', values: { 'system.cpuUsage': 10, [BYTES_RX_181]: 100 } }] });
    const result = await f.ingest.execute({
      samples: [
        { deviceId: 'd', at: T0, source: 'inform', values: { 'system.cpuUsage': 10 } },
        { deviceId: 'd', at: T0 - 1, source: 'inform', values: { [BYTES_RX_181]: 50 } },
        { deviceId: 'd', at: T0 + MIN15, source: 'inform', values: { 'Device.DeviceInfo.SoftwareVersion': '1.2', 'system.memoryFree': 'n/a', 'dsl.downstreamRate': 4294967295, 'system.cpuUsage': ' 20 ' } },
      ],
    });
    expect(result).toMatchObject({ stored: 1, skipped: { duplicate: 1, outOfOrder: 1, unknownMetric: 1, notANumber: 1, noValue: 1 } });
    expect(await raw('d', 'system.cpuUsage')).toEqual([
      { at: T0, value: 10 },
      { at: T0 + MIN15, value: 20 },
    ]);
  });

  it('takes several reports of a device in one call in time order, and many devices at once', async () => {
    const samples = [];
    for (let d = 0; d < 50; d++) {
      for (const i of [2, 0, 1]) samples.push({ deviceId: `dev-${d}`, at: T0 + i * MIN15, source: 'bulkdata' as const, values: { 'wan.bytesSent': 1_000 + i * 900 * (d + 1) } });
    }
    const result = await f.ingest.execute({ samples });
    expect(result).toMatchObject({ devices: 50, stored: 150, points: 100, bySource: { bulkdata: 150 } });
    expect((await raw('dev-9', 'wan.bytesSent')).map((s) => s.rate)).toEqual([null, 10, 10]);
  });

  it("follows the device's instance bindings: its WAN on IP interface 2", async () => {
    const values = { 'Device.IP.Interface.1.Stats.BytesReceived': 5, 'Device.IP.Interface.2.Stats.BytesReceived': 7 };
    await f.ingest.execute({ samples: [{ deviceId: 'r', at: T0, source: 'read', values, instances: { wan: '2' } }] });
    await f.ingest.execute({ samples: [{ deviceId: 'r', at: T0 + MIN15, source: 'read', values: { 'Device.IP.Interface.2.Stats.BytesReceived': 907 } }] });
    expect(await raw('r', 'wan.bytesReceived')).toEqual([
      { at: T0, value: 7, rate: null },
      { at: T0 + MIN15, value: 907, rate: 1 },
    ]);
  });

  it("maps a profile's custom metric by its path", async () => {
    await f.createProfile.execute({
      name: 'PON',
      metrics: ['custom.ponTemperature'],
      customMetrics: [{ name: 'custom.ponTemperature', kind: 'gauge', unit: 'Cel', scale: 0.5, paths: { Device: 'Device.X_VENDOR_PON.{pon}.Temperature' } }],
      target: { filter: 'productClass = "ONT"' },
    });
    await f.ingest.execute({ samples: [{ deviceId: 'ont', at: T0, source: 'inform', values: { 'Device.X_VENDOR_PON.1.Temperature': 90 } }] });
    expect(await raw('ont', 'custom.ponTemperature')).toEqual([{ at: T0, value: 45 }]);
  });

  it('refuses a malformed batch whole, naming each bad field, and stores nothing', async () => {
    const bad = {
      samples: [
        { deviceId: 'ok', at: T0, source: 'inform', values: { 'system.cpuUsage': 1 } },
        { deviceId: '', at: -5, source: 'telepathy', values: null, instances: { wan: 'x' } },
      ],
    };
    const error = await f.ingest.execute(bad as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldViolations.map((v) => v.field)).toEqual([
      'samples[1].deviceId',
      'samples[1].at',
      'samples[1].source',
      'samples[1].values',
      'samples[1].instances.wan',
    ]);
    expect(await raw('ok', 'system.cpuUsage')).toEqual([]);
    expect(f.listener.calls).toEqual([]);
  });

  it("keeps both of two concurrent calls' readings of one device: the loser recomputes from the winner's state", async () => {
    await Promise.all([
      f.ingest.execute({ samples: [{ deviceId: 'busy', at: T0, source: 'inform', values: { 'system.cpuUsage': 5 } }] }),
      f.ingest.execute({ samples: [{ deviceId: 'busy', at: T0, source: 'read', values: { 'system.memoryFree': 2048 } }] }),
    ]);
    const state = (await f.store.devices.getMany(['busy'])).get('busy');
    expect(state).toMatchObject({ revision: 2, last: { 'system.cpuUsage': { at: T0, raw: 5 }, 'system.memoryFree': { at: T0, raw: 2048 } } });
    expect(await raw('busy', 'system.memoryFree')).toEqual([{ at: T0, value: 2048 }]);
    expect(await raw('busy', 'system.cpuUsage')).toEqual([{ at: T0, value: 5 }]);
  });

  it('writes nothing for a report with nothing to store', async () => {
    const result = await f.ingest.execute({ samples: [{ deviceId: 'quiet', at: T0, source: 'inform', values: { 'Device.DeviceInfo.SoftwareVersion': '1' } }] });
    expect(result).toMatchObject({ stored: 0, points: 0, skipped: { unknownMetric: 1 } });
    expect(await f.store.devices.getMany(['quiet'])).toEqual(new Map());
    expect(f.listener.calls).toEqual([]);
  });
});
