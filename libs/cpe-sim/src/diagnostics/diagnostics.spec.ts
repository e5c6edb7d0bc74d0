import type { SetParameterValues } from '@acs/cwmp';
import { DataModel } from '../data-model/data-model';
import { SimulatedCpe, type CpeOptions } from '../session/simulated-cpe';
import { FakeAcs } from '../testing/fake-acs';
import { NetworkConditionsError, parseNetworkConditions } from './network-conditions';

function spv(values: Record<string, string | number | boolean>): SetParameterValues {
  return {
    kind: 'SetParameterValues',
    parameterKey: '',
    parameterList: Object.entries(values).map(([name, value]) => ({
      name,
      value: typeof value === 'number' ? { type: 'unsignedInt', value } : typeof value === 'boolean' ? { type: 'boolean', value } : { type: 'string', value },
    })),
  };
}

describe('diagnostics of a simulated CPE', () => {
  let acs: FakeAcs;
  let url: string;
  const cpes: SimulatedCpe[] = [];

  beforeEach(async () => {
    acs = new FakeAcs();
    [url] = (await acs.listen(1)) as [string];
  });
  afterEach(async () => {
    for (const cpe of cpes.splice(0)) await cpe.stop();
    await acs.close();
  });

  function cpe(kind: 'tr181' | 'tr098', options: Partial<CpeOptions> = {}): SimulatedCpe {
    const created = new SimulatedCpe({ acsUrl: url, model: DataModel.builtin(kind), oui: '001122', productClass: 'Box', serialNumber: `D${cpes.length}`, ...options });
    cpes.push(created);
    return created;
  }

  /** Sets the values in one session, waits for the test, and returns the next session's events. */
  async function run(device: SimulatedCpe, values: Record<string, string | number | boolean>): Promise<string[]> {
    acs.queue.push(spv(values));
    const asked = await device.runSession();
    expect(asked.error).toBeUndefined();
    await device.diagnosticsSettled();
    return (await device.runSession()).events;
  }

  const P181 = 'Device.IP.Diagnostics.IPPing.';
  const P098 = 'InternetGatewayDevice.IPPingDiagnostics.';

  it.each([
    ['tr181', P181],
    ['tr098', P098],
  ] as const)('%s: a ping runs after the session, then informs 8 DIAGNOSTICS COMPLETE with plausible results', async (kind, path) => {
    const device = cpe(kind, { network: { latencyMs: 30, jitterMs: 5, lossRatio: 0 } });
    acs.queue.push(spv({ [`${path}Host`]: 'example.net', [`${path}NumberOfRepetitions`]: 5, [`${path}DiagnosticsState`]: 'Requested' }));
    await device.runSession();
    // Nothing ran inside the session: the state is still Requested when it ends.
    expect(device.diagnosticsRecords).toHaveLength(1);
    await device.diagnosticsSettled();
    const events = (await device.runSession()).events;
    expect(events).toContain('8 DIAGNOSTICS COMPLETE');
    const v = (n: string): number => Number(device.model.value(`${path}${n}`));
    expect(device.model.value(`${path}DiagnosticsState`)).toBe('Complete');
    expect(v('SuccessCount')).toBe(5);
    expect(v('FailureCount')).toBe(0);
    expect(v('MinimumResponseTime')).toBeGreaterThanOrEqual(25);
    expect(v('MaximumResponseTime')).toBeLessThanOrEqual(35);
    expect(v('MinimumResponseTime')).toBeLessThanOrEqual(v('AverageResponseTime'));
    expect(v('AverageResponseTime')).toBeLessThanOrEqual(v('MaximumResponseTime'));
  });

  it('loses the configured share of pings and fails an unresolvable host with its Error_ state', async () => {
    const device = cpe('tr181', { network: { lossRatio: 1 } });
    await run(device, { [`${P181}Host`]: 'example.net', [`${P181}NumberOfRepetitions`]: 4, [`${P181}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${P181}SuccessCount`)).toBe('0');
    expect(device.model.value(`${P181}FailureCount`)).toBe('4');
    const events = await run(device, { [`${P181}Host`]: 'nowhere.invalid', [`${P181}DiagnosticsState`]: 'Requested' });
    expect(events).toContain('8 DIAGNOSTICS COMPLETE');
    expect(device.model.value(`${P181}DiagnosticsState`)).toBe('Error_CannotResolveHostName');
  });

  it.each([
    ['tr181', 'Device.IP.Diagnostics.TraceRoute.', 'Host'],
    ['tr098', 'InternetGatewayDevice.TraceRouteDiagnostics.', 'HopHost'],
  ] as const)('%s: a trace route lists the configured hops, and too many hops is Error_MaxHopCountExceeded', async (kind, path, hostName) => {
    const device = cpe(kind, { network: { hopCount: 4, latencyMs: 40, jitterMs: 0 } });
    await run(device, { [`${path}Host`]: '192.0.2.7', [`${path}NumberOfTries`]: 2, [`${path}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${path}DiagnosticsState`)).toBe('Complete');
    expect(device.model.value(`${path}RouteHopsNumberOfEntries`)).toBe('4');
    expect(device.model.value(`${path}RouteHops.4.${hostName}`)).toBe('192.0.2.7');
    expect(device.model.value(`${path}RouteHops.1.${hostName.replace('Host', 'RTTimes')}`)).toBe('10,10');
    expect(device.model.value(`${path}ResponseTime`)).toBe('40');
    device.setNetworkConditions({ hopCount: 9 });
    await run(device, { [`${path}MaxHopCount`]: 5, [`${path}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${path}DiagnosticsState`)).toBe('Error_MaxHopCountExceeded');
  });

  it.each([
    ['tr181', 'Device.DNS.Diagnostics.NSLookupDiagnostics.'],
    ['tr098', 'InternetGatewayDevice.NSLookupDiagnostics.'],
  ] as const)('%s: NSLookup answers from the configured DNS answers', async (kind, path) => {
    const device = cpe(kind, { network: { dnsAnswers: { 'acs.example': ['192.0.2.1', '192.0.2.2'], 'gone.example': [] } } });
    await run(device, { [`${path}HostName`]: 'acs.example', [`${path}NumberOfRepetitions`]: 2, [`${path}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${path}DiagnosticsState`)).toBe('Complete');
    expect(device.model.value(`${path}SuccessCount`)).toBe('2');
    expect(device.model.value(`${path}ResultNumberOfEntries`)).toBe('2');
    expect(device.model.value(`${path}Result.1.Status`)).toBe('Success');
    expect(device.model.value(`${path}Result.1.IPAddresses`)).toBe('192.0.2.1,192.0.2.2');
    await run(device, { [`${path}HostName`]: 'gone.example', [`${path}NumberOfRepetitions`]: 1, [`${path}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${path}SuccessCount`)).toBe('0');
    expect(device.model.value(`${path}ResultNumberOfEntries`)).toBe('1');
    expect(device.model.value(`${path}Result.1.Status`)).toBe('Error_HostNameNotResolved');
  });

  it('tr181: UDP echo, server selection (fastest host) and IP layer capacity', async () => {
    const device = cpe('tr181', { network: { latencyMs: 20, jitterMs: 0, downloadBitsPerSecond: 50e6, hostLatencyMs: { 'far.example': 80, 'near.example': 5 } } });
    const udp = 'Device.IP.Diagnostics.UDPEchoDiagnostics.';
    await run(device, { [`${udp}Host`]: '192.0.2.9', [`${udp}NumberOfRepetitions`]: 3, [`${udp}EnableIndividualPacketResults`]: true, [`${udp}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${udp}DiagnosticsState`)).toBe('Complete');
    expect(device.model.value(`${udp}SuccessCount`)).toBe('3');
    expect(device.model.value(`${udp}AverageResponseTime`)).toBe('20000');
    expect(device.model.value(`${udp}IndividualPacketResultNumberOfEntries`)).toBe('3');
    const sel = 'Device.IP.Diagnostics.ServerSelectionDiagnostics.';
    await run(device, { [`${sel}HostList`]: 'far.example,near.example', [`${sel}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${sel}FastestHost`)).toBe('near.example');
    expect(device.model.value(`${sel}AverageResponseTime`)).toBe('5000');
    const cap = 'Device.IP.Diagnostics.IPLayerCapacityMetrics.';
    await run(device, { [`${cap}ServerList`]: 'twamp.example', [`${cap}Role`]: 'Receiver', [`${cap}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${cap}DiagnosticsState`)).toBe('Complete');
    const max = Number(device.model.value(`${cap}MaxIPLayerCapacity`));
    expect(max).toBeGreaterThan(45);
    expect(max).toBeLessThanOrEqual(50);
    expect(device.model.value(`${cap}ModalResultNumberOfEntries`)).toBe('1');
  });

  it('a forced Error_ state per kind, and one the object does not declare becomes its nearest declared error', async () => {
    const device = cpe('tr098', { network: { forcedStates: { ipPing: 'Error_Internal', traceRoute: 'Error_NoRouteToHost' } } });
    await run(device, { [`${P098}Host`]: 'example.net', [`${P098}DiagnosticsState`]: 'Requested' });
    expect(device.model.value(`${P098}DiagnosticsState`)).toBe('Error_Internal');
    const tr = 'InternetGatewayDevice.TraceRouteDiagnostics.';
    await run(device, { [`${tr}Host`]: 'example.net', [`${tr}DiagnosticsState`]: 'Requested' });
    // TR-098's TraceRouteDiagnostics declares only Error_CannotResolveHostName and Error_MaxHopCountExceeded.
    expect(device.model.value(`${tr}DiagnosticsState`)).toBe('Error_CannotResolveHostName');
  });

  it.each([
    ['tr181', P181],
    ['tr098', P098],
  ] as const)('%s: changing an input while a test runs cancels it (None, no DIAGNOSTICS COMPLETE)', async (kind, path) => {
    const device = cpe(kind, { network: { neverComplete: ['ipPing'] } });
    acs.queue.push(spv({ [`${path}Host`]: 'example.net', [`${path}DiagnosticsState`]: 'Requested' }));
    await device.runSession();
    expect(device.model.value(`${path}DiagnosticsState`)).toBe('Requested');
    await device.diagnosticsSettled(); // a never-completing test does not hold this up
    acs.queue.push(spv({ [`${path}Host`]: 'other.example' }));
    const change = await device.runSession();
    expect(change.events).not.toContain('8 DIAGNOSTICS COMPLETE');
    expect(device.model.value(`${path}DiagnosticsState`)).toBe('None');
    expect(device.diagnosticsRecords[0]).toMatchObject({ kind: 'ipPing', state: 'None' });
    expect((await device.runSession()).events).not.toContain('8 DIAGNOSTICS COMPLETE');
  });

  it('refuses DiagnosticsState values other than Requested (and Canceled on TR-181) with 9007', async () => {
    const tr098 = cpe('tr098');
    acs.queue.push(spv({ [`${P098}DiagnosticsState`]: 'Complete' }));
    const refused = await tr098.runSession();
    expect(refused.rpcs[0]).toMatchObject({ method: 'SetParameterValues', faultCode: 9003 });
    acs.queue.push(spv({ [`${P098}DiagnosticsState`]: 'Canceled' }));
    expect((await tr098.runSession()).rpcs[0]).toMatchObject({ faultCode: 9003 });
    const tr181 = cpe('tr181', { network: { neverComplete: ['ipPing'] } });
    await run(tr181, { [`${P181}Host`]: 'example.net', [`${P181}DiagnosticsState`]: 'Requested' });
    acs.queue.push(spv({ [`${P181}DiagnosticsState`]: 'Canceled' }));
    expect((await tr181.runSession()).rpcs[0]).toEqual({ method: 'SetParameterValues', at: expect.any(Number) });
    expect(tr181.model.value(`${P181}DiagnosticsState`)).toBe('None');
  });

  it('parses the CLI spec of conditions and refuses bad figures', () => {
    expect(parseNetworkConditions('latency=15,loss=0.1,down=5e6,dns=a.example:192.0.2.1+192.0.2.2,fail=ipPing:Error_Other,never=download+upload')).toEqual({
      latencyMs: 15,
      lossRatio: 0.1,
      downloadBitsPerSecond: 5e6,
      dnsAnswers: { 'a.example': ['192.0.2.1', '192.0.2.2'] },
      forcedStates: { ipPing: 'Error_Other' },
      neverComplete: ['download', 'upload'],
    });
    expect(() => parseNetworkConditions('loss=2')).toThrow(NetworkConditionsError);
    expect(() => parseNetworkConditions('never=teleport')).toThrow(/unknown test/);
    expect(() => cpe('tr181').setNetworkConditions({ latencyMs: -1 })).toThrow(NetworkConditionsError);
  });
});
