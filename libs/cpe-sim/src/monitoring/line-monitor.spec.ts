import { DataModel } from '../data-model/data-model';
import { SimulatedCpe } from '../session/simulated-cpe';
import { FakeAcs } from '../testing/fake-acs';
import { LineLevelsError, LineMonitor, parseLineLevels } from './line-monitor';

/** An injected clock moved by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

const WCIC = 'InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.';

describe('LineMonitor', () => {
  it('TR-181 counters grow at the traffic rates; a rate change affects only what follows', () => {
    const clock = manualClock();
    const model = DataModel.builtin('tr181').clone();
    const monitor = new LineMonitor(model, { downstreamBitsPerSecond: 8_000_000, upstreamBitsPerSecond: 800_000 }, clock.now);
    clock.advance(10_000);
    expect(model.value('Device.IP.Interface.1.Stats.BytesReceived')).toBe('10000000');
    expect(model.value('Device.IP.Interface.1.Stats.BytesSent')).toBe('1000000');
    monitor.set({ downstreamBitsPerSecond: 0 });
    clock.advance(10_000);
    expect(model.value('Device.IP.Interface.1.Stats.BytesReceived')).toBe('10000000');
    expect(model.value('Device.IP.Interface.1.Stats.PacketsSent')).toBe(String(Math.floor(2_000_000 / 1500)));
  });

  it('TR-098 32-bit counters wrap at 2^32; TR-181 64-bit ones do not; a reboot starts them at 0', () => {
    const clock = manualClock();
    const igd = DataModel.builtin('tr098').clone();
    const dev = DataModel.builtin('tr181').clone();
    const levels = { downstreamBitsPerSecond: 8 * 1_000_000_000 }; // 1 GB/s
    const m098 = new LineMonitor(igd, levels, clock.now);
    new LineMonitor(dev, levels, clock.now);
    clock.advance(5_000); // 5e9 bytes
    expect(igd.value(`${WCIC}TotalBytesReceived`)).toBe(String(5_000_000_000 - 2 ** 32));
    expect(igd.value('InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.Stats.EthernetBytesReceived')).toBe(String(5_000_000_000 - 2 ** 32));
    expect(dev.value('Device.IP.Interface.1.Stats.BytesReceived')).toBe('5000000000');
    m098.reboot();
    expect(igd.value(`${WCIC}TotalBytesReceived`)).toBe('0');
    clock.advance(1_000);
    expect(igd.value(`${WCIC}TotalBytesReceived`)).toBe('1000000000');
  });

  it('gauges in the units of the models: OpticalSignalLevel 0.001 dBm (step 2), noise margins 0.1 dB, associations', () => {
    const dev = DataModel.builtin('tr181').clone();
    const igd = DataModel.builtin('tr098').clone();
    const levels = { opticalRxDbm: -18.3333, downstreamSnrDb: 7.25, associatedDevices: 4 };
    new LineMonitor(dev, levels);
    new LineMonitor(igd, levels);
    expect(dev.value('Device.Optical.Interface.1.OpticalSignalLevel')).toBe('-18334');
    expect(dev.value('Device.DSL.Line.1.DownstreamNoiseMargin')).toBe('73');
    expect(dev.value('Device.WiFi.AccessPoint.1.AssociatedDeviceNumberOfEntries')).toBe('4');
    expect(igd.value('InternetGatewayDevice.WANDevice.1.WANDSLInterfaceConfig.DownstreamNoiseMargin')).toBe('73');
    expect(igd.value('InternetGatewayDevice.LANDevice.1.WLANConfiguration.2.TotalAssociations')).toBe('4');
  });

  it('refuses bad levels whole', () => {
    const monitor = new LineMonitor(DataModel.builtin('tr181').clone());
    expect(() => monitor.set({ associatedDevices: -1 })).toThrow(LineLevelsError);
    expect(() => monitor.set({ opticalRxDbm: -80 })).toThrow(LineLevelsError);
    expect(monitor.current.associatedDevices).toBe(3);
    expect(parseLineLevels('rx=-27.5,snr=3,assoc=0')).toEqual({ opticalRxDbm: -27.5, downstreamSnrDb: 3, associatedDevices: 0 });
    expect(() => parseLineLevels('volume=11')).toThrow(/unknown key/);
  });
});

describe('SimulatedCpe line levels', () => {
  let acs: FakeAcs;
  beforeAll(async () => {
    acs = new FakeAcs();
  });
  afterAll(() => acs.close());

  it('degrades and recovers at run time, and a Reboot resets the counters', async () => {
    const [url] = (await acs.listen(1)) as [string];
    const clock = manualClock(Date.parse('2026-12-08T10:00:00Z'));
    const cpe = new SimulatedCpe({
      acsUrl: url,
      model: DataModel.builtin('tr181'),
      oui: '001122',
      productClass: 'Box',
      serialNumber: 'L1',
      line: { opticalRxDbm: -17 },
      clock: { now: clock.now, setTimer: () => () => undefined },
    });
    const rx = (): string | undefined => cpe.model.value('Device.Optical.Interface.1.OpticalSignalLevel');
    expect(rx()).toBe('-17000');
    cpe.degradeLine();
    expect(rx()).toBe('-29000');
    expect(cpe.model.value('Device.WiFi.AccessPoint.1.AssociatedDeviceNumberOfEntries')).toBe('0');
    cpe.recoverLine();
    expect(rx()).toBe('-17000');
    clock.advance(1_000);
    expect(cpe.wanBytes.received).toBe(1_000_000);
    acs.queue.push({ kind: 'Reboot', commandKey: 'r1' });
    await cpe.runSession();
    expect(cpe.model.value('Device.IP.Interface.1.Stats.BytesReceived')).toBe('0');
  });
});
