import { parseResult } from './diagnostics-result';
import { readTime } from './diagnostics-values';

const PING = 'Device.IP.Diagnostics.IPPing.';

describe('parseResult', () => {
  it('reads a TR-181 ping with ms and µs figures and its loss ratio', () => {
    const outcome = parseResult('ipPing', 'Device', {
      [`${PING}DiagnosticsState`]: { type: 'string', value: 'Complete' },
      [`${PING}SuccessCount`]: { type: 'unsignedInt', value: 3 },
      [`${PING}FailureCount`]: '1',
      [`${PING}AverageResponseTime`]: 12,
      [`${PING}MinimumResponseTime`]: '10',
      [`${PING}MaximumResponseTime`]: ' 15 ',
      [`${PING}AverageResponseTimeDetailed`]: 12345,
      [`${PING}MinimumResponseTimeDetailed`]: '',
      [`${PING}IPAddressUsed`]: '',
    });
    expect(outcome).toEqual({
      status: 'complete',
      kind: 'ipPing',
      state: 'Complete',
      measurement: { fields: { successCount: 3, failureCount: 1, averageMs: 12, minimumMs: 10, maximumMs: 15, averageUs: 12345 }, tables: {}, computed: { lossRatio: 0.25 } },
    });
  });

  it('drops the response times of a TR-098 ping nothing answered', () => {
    const p = 'InternetGatewayDevice.IPPingDiagnostics.';
    const outcome = parseResult('ipPing', 'InternetGatewayDevice', { [`${p}DiagnosticsState`]: 'Complete', [`${p}SuccessCount`]: 0, [`${p}FailureCount`]: 4, [`${p}AverageResponseTime`]: 0 });
    expect(outcome.status === 'complete' && outcome.measurement).toEqual({ fields: { successCount: 0, failureCount: 4 }, tables: {}, computed: { lossRatio: 1 } });
  });

  it('gives a clear reason for each error state, and for none, cancelled and unknown states', () => {
    const state = (s: string | undefined) => parseResult('traceRoute', 'InternetGatewayDevice', s === undefined ? {} : { 'InternetGatewayDevice.TraceRouteDiagnostics.DiagnosticsState': s });
    expect(state('Error_MaxHopCountExceeded')).toEqual({ status: 'failed', kind: 'traceRoute', state: 'Error_MaxHopCountExceeded', reason: 'the host was not reached within MaxHopCount hops' });
    expect(state('None')).toMatchObject({ status: 'failed', reason: expect.stringContaining('reset the test') });
    expect(state('Canceled')).toMatchObject({ reason: 'the test was cancelled' });
    expect(state(undefined)).toMatchObject({ state: '', reason: 'the device did not report a DiagnosticsState' });
    expect(state('Error_Vendor42')).toMatchObject({ reason: 'the device reported Error_Vendor42' });
    expect(state('Weird')).toMatchObject({ reason: 'the device reported an unexpected state "Weird"' });
    const d = 'Device.IP.Diagnostics.DownloadDiagnostics.';
    expect(parseResult('download', 'Device', { [`${d}DiagnosticsState`]: 'Error_NoPASV' })).toMatchObject({ reason: 'the FTP server refused passive mode (PASV)' });
  });

  it('reads trace route hops on both models, by instance, whatever NumberOfEntries says', () => {
    const t181 = 'Device.IP.Diagnostics.TraceRoute.';
    const r181 = parseResult('traceRoute', 'Device', {
      [`${t181}DiagnosticsState`]: 'Complete',
      [`${t181}ResponseTime`]: 31,
      [`${t181}RouteHopsNumberOfEntries`]: 0,
      [`${t181}RouteHops.2.Host`]: 'core.example',
      [`${t181}RouteHops.2.HostAddress`]: '198.51.100.1',
      [`${t181}RouteHops.2.ErrorCode`]: 0,
      [`${t181}RouteHops.2.RTTimes`]: '9, 10,11',
      [`${t181}RouteHops.1.Host`]: '',
      [`${t181}RouteHops.1.HostAddress`]: '192.168.1.1',
      [`${t181}RouteHops.1.RTTimes`]: '',
    });
    expect(r181.status === 'complete' && r181.measurement.tables['hops']).toEqual([
      { instance: 1, hostAddress: '192.168.1.1' },
      { instance: 2, host: 'core.example', hostAddress: '198.51.100.1', errorCode: 0, rttMs: ['9', '10', '11'] },
    ]);
    const t098 = 'InternetGatewayDevice.TraceRouteDiagnostics.';
    const r098 = parseResult('traceRoute', 'InternetGatewayDevice', {
      [`${t098}DiagnosticsState`]: 'Complete',
      [`${t098}RouteHops.1.HopHost`]: 'gw',
      [`${t098}RouteHops.1.HopHostAddress`]: '10.0.0.1',
      [`${t098}RouteHops.1.HopErrorCode`]: '0',
      [`${t098}RouteHops.1.HopRTTimes`]: '1,2,3',
    });
    expect(r098.status === 'complete' && r098.measurement.tables['hops']).toEqual([{ instance: 1, host: 'gw', hostAddress: '10.0.0.1', errorCode: 0, rttMs: ['1', '2', '3'] }]);
  });

  it('computes download throughput from BOM/EOM with microseconds (TR-181) and tolerates the unknown time', () => {
    const d = 'Device.IP.Diagnostics.DownloadDiagnostics.';
    const outcome = parseResult('download', 'Device', {
      [`${d}DiagnosticsState`]: 'Completed', // deleted typo some firmware still sends
      [`${d}ROMTime`]: '2026-01-01T10:00:00.000100Z',
      [`${d}BOMTime`]: '2026-01-01T10:00:00.250000Z',
      [`${d}EOMTime`]: '2026-01-01T10:00:02.250000Z',
      [`${d}TCPOpenRequestTime`]: '0001-01-01T00:00:00Z',
      [`${d}TestBytesReceived`]: { type: 'unsignedLong', value: 25_000_000 },
      [`${d}TotalBytesReceived`]: '25100000',
      [`${d}TestBytesReceivedUnderFullLoading`]: 20_000_000,
      [`${d}PeriodOfFullLoading`]: 1_600_000,
    });
    expect(outcome.status).toBe('complete');
    if (outcome.status !== 'complete') return;
    expect(outcome.measurement.computed).toEqual({ transferDurationUs: 2_000_000, throughputBitsPerSecond: 100_000_000, fullLoadingThroughputBitsPerSecond: 100_000_000 });
    expect(outcome.measurement.fields['tcpOpenRequestTime']).toBeUndefined();
    expect(outcome.measurement.fields['romTime']).toEqual({ iso: '2026-01-01T10:00:00.000100Z', epochUs: Date.UTC(2026, 0, 1, 10) * 1000 + 100 });
  });

  it('computes TR-098 download throughput and gives none when times are missing or reversed', () => {
    const d = 'InternetGatewayDevice.DownloadDiagnostics.';
    const base = { [`${d}DiagnosticsState`]: 'Completed', [`${d}TestBytesReceived`]: '1000000' };
    const ok = parseResult('download', 'InternetGatewayDevice', { ...base, [`${d}BOMTime`]: '2026-01-01T10:00:00Z', [`${d}EOMTime`]: '2026-01-01T10:00:01+00:00' });
    expect(ok.status === 'complete' && ok.measurement.computed).toEqual({ transferDurationUs: 1_000_000, throughputBitsPerSecond: 8_000_000 });
    const sloppy = parseResult('download', 'InternetGatewayDevice', { ...base, [`${d}BOMTime`]: '0001-01-01T00:00:00Z', [`${d}EOMTime`]: '' });
    expect(sloppy.status === 'complete' && sloppy.measurement.computed).toEqual({});
    const reversed = parseResult('download', 'InternetGatewayDevice', { ...base, [`${d}BOMTime`]: '2026-01-01T10:00:02Z', [`${d}EOMTime`]: '2026-01-01T10:00:01Z' });
    expect(reversed.status === 'complete' && reversed.measurement.computed).toEqual({});
  });

  it('computes upload throughput from TestBytesSent (TR-181) or TestFileLength (TR-098)', () => {
    const u = 'Device.IP.Diagnostics.UploadDiagnostics.';
    const times = (p: string) => ({ [`${p}BOMTime`]: '2026-01-01T10:00:00Z', [`${p}EOMTime`]: '2026-01-01T10:00:04Z' });
    const r181 = parseResult('upload', 'Device', { [`${u}DiagnosticsState`]: 'Complete', ...times(u), [`${u}TestBytesSent`]: 5_000_000, [`${u}TestFileLength`]: 1 });
    expect(r181.status === 'complete' && r181.measurement.computed.throughputBitsPerSecond).toBe(10_000_000);
    const v = 'InternetGatewayDevice.UploadDiagnostics.';
    const r098 = parseResult('upload', 'InternetGatewayDevice', { [`${v}DiagnosticsState`]: 'Completed', ...times(v), [`${v}TestFileLength`]: '2000000', [`${v}TotalBytesSent`]: 2100000 });
    expect(r098.status === 'complete' && r098.measurement.computed.throughputBitsPerSecond).toBe(4_000_000);
    expect(parseResult('upload', 'InternetGatewayDevice', { [`${v}DiagnosticsState`]: 'Error_NoSTOR' })).toMatchObject({ reason: 'the FTP server refused the upload (STOR)' });
  });

  it('reads NSLookup answers on both models', () => {
    for (const p of ['Device.DNS.Diagnostics.NSLookupDiagnostics.', 'InternetGatewayDevice.NSLookupDiagnostics.']) {
      const root = p.startsWith('Device') ? 'Device' : 'InternetGatewayDevice';
      const outcome = parseResult('nsLookup', root, {
        [`${p}DiagnosticsState`]: 'Complete',
        [`${p}SuccessCount`]: 1,
        [`${p}Result.1.Status`]: 'Success',
        [`${p}Result.1.AnswerType`]: 'NonAuthoritative',
        [`${p}Result.1.HostNameReturned`]: 'example.com',
        [`${p}Result.1.IPAddresses`]: '93.184.216.34,2606:2800:220:1::',
        [`${p}Result.1.DNSServerIP`]: '1.1.1.1',
        [`${p}Result.1.ResponseTime`]: '7',
        [`${p}Result.2.Status`]: 'Error_Timeout',
      });
      expect(outcome.status === 'complete' && outcome.measurement).toEqual({
        fields: { successCount: 1 },
        tables: {
          answers: [
            { instance: 1, status: 'Success', answerType: 'NonAuthoritative', hostNameReturned: 'example.com', ipAddresses: ['93.184.216.34', '2606:2800:220:1::'], dnsServerIp: '1.1.1.1', responseTimeMs: 7 },
            { instance: 2, status: 'Error_Timeout' },
          ],
        },
        computed: {},
      });
    }
  });

  it('reads UDP echo, server selection and IP capacity (TR-181 only)', () => {
    const e = 'Device.IP.Diagnostics.UDPEchoDiagnostics.';
    const echo = parseResult('udpEcho', 'Device', { [`${e}DiagnosticsState`]: 'Complete', [`${e}SuccessCount`]: 9, [`${e}FailureCount`]: 1, [`${e}AverageResponseTime`]: 800, [`${e}IndividualPacketResult.1.PacketSuccess`]: 'true' });
    expect(echo.status === 'complete' && echo.measurement).toEqual({ fields: { successCount: 9, failureCount: 1, averageUs: 800 }, tables: { packets: [{ instance: 1, success: true }] }, computed: { lossRatio: 0.1 } });
    const s = 'Device.IP.Diagnostics.ServerSelectionDiagnostics.';
    const sel = parseResult('serverSelection', 'Device', { [`${s}DiagnosticsState`]: 'Complete', [`${s}FastestHost`]: 'b.example', [`${s}AverageResponseTime`]: 2100 });
    expect(sel.status === 'complete' && sel.measurement.fields).toEqual({ fastestHost: 'b.example', averageUs: 2100 });
    const c = 'Device.IP.Diagnostics.IPLayerCapacityMetrics.';
    const cap = parseResult('ipLayerCapacity', 'Device', {
      [`${c}DiagnosticsState`]: 'Complete',
      [`${c}MaxIPLayerCapacity`]: '941.23',
      [`${c}LossRatioAtMax`]: '1.5E-4',
      [`${c}RTTRangeAtMax`]: 'n/a',
      [`${c}ModalResult.1.MaxIPLayerCapacity`]: '940',
      [`${c}IncrementalResult.1.IPLayerCapacity`]: '500.5',
    });
    expect(cap.status === 'complete' && cap.measurement).toEqual({
      fields: { maxIpLayerCapacityMbps: 941.23, lossRatioAtMax: 0.00015 },
      tables: { modal: [{ instance: 1, maxIpLayerCapacityMbps: 940 }], incremental: [{ instance: 1, ipLayerCapacityMbps: 500.5 }] },
      computed: {},
    });
    expect(parseResult('ipLayerCapacity', 'Device', { [`${c}DiagnosticsState`]: 'Error_RejectedByRemote' })).toMatchObject({ reason: 'the measurement server rejected the test' });
  });
});

describe('readTime', () => {
  it('keeps microseconds and offsets, and refuses junk', () => {
    expect(readTime('2026-01-01T12:00:00.5+02:00')?.epochUs).toBe(Date.UTC(2026, 0, 1, 10) * 1000 + 500_000);
    expect(readTime('2026-01-01T12:00:00')?.epochUs).toBe(Date.UTC(2026, 0, 1, 12) * 1000);
    expect(readTime('yesterday')).toBeUndefined();
    expect(readTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(readTime(null)).toBeUndefined();
  });
});
