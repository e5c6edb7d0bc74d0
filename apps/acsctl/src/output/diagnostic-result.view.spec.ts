import { acsV1 } from '@acs/contracts';
import { describeDiagnosticRun, parseDiagnosticStatus, summarizeDiagnosticRun } from './diagnostic-result.view';

const { DiagnosticKind: Kind, DiagnosticStatus: Status } = acsV1;

function complete(kind: acsV1.DiagnosticKind, inputs: Record<string, string>, result: acsV1.DiagnosticRun['result']): acsV1.DiagnosticRun {
  return acsV1.DiagnosticRun.fromPartial({ id: 'run-7', deviceId: 'dev-1', kind, inputs, status: Status.DIAGNOSTIC_STATUS_COMPLETE, state: 'Complete', result });
}

describe('diagnostics results as the tools print them', () => {
  it('ping: iputils ping\'s statistics; no rtt line when nothing came back', () => {
    const ping = acsV1.PingResult.fromPartial({ successCount: 2, failureCount: 1, minRttMs: 8.1, avgRttMs: 9.4, maxRttMs: 12, ipAddressUsed: '192.0.2.7' });
    const run = complete(Kind.DIAGNOSTIC_KIND_IP_PING, { Host: 'gw.example' }, { $case: 'ping', ping });
    expect(describeDiagnosticRun(run)).toEqual([
      'PING gw.example from 192.0.2.7',
      '',
      '--- gw.example ping statistics ---',
      '3 packets transmitted, 2 received, 33.3333% packet loss',
      'rtt min/avg/max = 8.100/9.400/12.000 ms',
    ]);
    expect(summarizeDiagnosticRun(run)).toBe('2/3 received, rtt 9.4 ms');
    const silent = complete(Kind.DIAGNOSTIC_KIND_IP_PING, { Host: '192.0.2.1' }, { $case: 'ping', ping: acsV1.PingResult.fromPartial({ successCount: 0, failureCount: 4 }) });
    expect(describeDiagnosticRun(silent).slice(-2)).toEqual(['--- 192.0.2.1 ping statistics ---', '4 packets transmitted, 0 received, 100% packet loss']);
  });

  it('UDP echo: the same statistics, the port in the heading', () => {
    const udpEcho = acsV1.UdpEchoResult.fromPartial({ successCount: 5, failureCount: 0, minRttMs: 1, avgRttMs: 1.5, maxRttMs: 2 });
    expect(describeDiagnosticRun(complete(Kind.DIAGNOSTIC_KIND_UDP_ECHO, { Host: 'echo.example', Port: '7000' }, { $case: 'udpEcho', udpEcho }))).toEqual([
      'UDP ECHO echo.example:7000',
      '',
      '--- echo.example:7000 UDP echo statistics ---',
      '5 packets transmitted, 5 received, 0% packet loss',
      'rtt min/avg/max = 1.000/1.500/2.000 ms',
    ]);
  });

  it('traceroute: numbered hops with host (address) and RTTs, * for none, !code for an ICMP error', () => {
    const traceRoute = acsV1.TraceRouteResult.fromPartial({
      hops: [
        { host: 'hop1.isp.example', address: '10.1.0.1', rttMs: [6, 7] },
        { host: '', address: '', rttMs: [] },
        { host: '10.3.0.1', address: '10.3.0.1', rttMs: [18], errorCode: 3 },
        { host: 'target.example', address: '192.0.2.77', rttMs: [30, 31] },
      ],
      responseTimeMs: 31,
    });
    const run = complete(Kind.DIAGNOSTIC_KIND_TRACE_ROUTE, { Host: 'target.example', MaxHopCount: '10' }, { $case: 'traceRoute', traceRoute });
    expect(describeDiagnosticRun(run)).toEqual([
      'traceroute to target.example, 10 hops max',
      ' 1  hop1.isp.example (10.1.0.1)  6 ms  7 ms',
      ' 2  *  *',
      ' 3  10.3.0.1  18 ms  !3',
      ' 4  target.example (192.0.2.77)  30 ms  31 ms',
      'response time 31 ms',
    ]);
    expect(summarizeDiagnosticRun(run)).toBe('4 hops, 31 ms');
  });

  it('download and upload: bytes, times and throughput in Mbit/s', () => {
    const download = acsV1.TransferResult.fromPartial({
      romTime: new Date('2027-01-04T12:00:00.000Z'),
      bomTime: new Date('2027-01-04T12:00:00.010Z'),
      eomTime: new Date('2027-01-04T12:00:00.810Z'),
      tcpOpenRequestTime: new Date('2027-01-04T11:59:59.998Z'),
      tcpOpenResponseTime: new Date('2027-01-04T11:59:59.999Z'),
      testBytes: 2_000_210,
      totalBytesReceived: 2_055_000,
      transferDurationUs: 800_000,
      throughputBps: 20_002_100,
    });
    const run = complete(Kind.DIAGNOSTIC_KIND_DOWNLOAD, { DownloadURL: 'http://files.example/2MB' }, { $case: 'download', download });
    expect(describeDiagnosticRun(run)).toEqual([
      'download http://files.example/2MB',
      '  test bytes:       2000210',
      '  total bytes:      2055000 received',
      '  request (ROM):    2027-01-04T12:00:00.000Z',
      '  first byte (BOM): 2027-01-04T12:00:00.010Z',
      '  last byte (EOM):  2027-01-04T12:00:00.810Z',
      '  TCP open:         0.001 s',
      '  transfer time:    0.800 s (BOM → EOM)',
      '  throughput:       20.00 Mbit/s',
    ]);
    expect(summarizeDiagnosticRun(run)).toBe('20.00 Mbit/s');
    const upload = acsV1.TransferResult.fromPartial({ testBytes: 1_000_000, testFileLength: 1_000_000, totalBytesSent: 1_030_000, throughputBps: 9_876_543 });
    expect(describeDiagnosticRun(complete(Kind.DIAGNOSTIC_KIND_UPLOAD, { UploadURL: 'http://files.example/up' }, { $case: 'upload', upload }))).toEqual([
      'upload http://files.example/up',
      '  test bytes:  1000000 (file length 1000000)',
      '  total bytes: 1030000 sent',
      '  throughput:  9.88 Mbit/s',
    ]);
  });

  it('nslookup: the server, then each answer\'s name and addresses, or why there is none', () => {
    const nsLookup = acsV1.NsLookupResult.fromPartial({
      successCount: 1,
      answers: [
        { status: 'Success', answerType: 'NonAuthoritative', hostNameReturned: 'acs.example', ipAddresses: ['192.0.2.10', '192.0.2.11'], dnsServerIp: '192.0.2.53', responseTimeMs: 12 },
        { status: 'Error_HostNameNotResolved', answerType: 'None', dnsServerIp: '192.0.2.53' },
        { status: 'Error_Timeout', answerType: 'None', dnsServerIp: '192.0.2.53' },
      ],
    });
    const run = complete(Kind.DIAGNOSTIC_KIND_NS_LOOKUP, { HostName: 'acs.example' }, { $case: 'nsLookup', nsLookup });
    expect(describeDiagnosticRun(run)).toEqual([
      'Server:\t\t192.0.2.53',
      '',
      'Non-authoritative answer:',
      'Name:\tacs.example',
      'Address: 192.0.2.10',
      'Address: 192.0.2.11',
      ';; answered in 12 ms',
      '',
      "** server can't find acs.example: NXDOMAIN",
      '',
      ';; Error_Timeout: no answer for acs.example',
      '',
      '1 of 3 lookups answered',
    ]);
    expect(summarizeDiagnosticRun(run)).toBe('192.0.2.10 192.0.2.11');
  });

  it('server selection and IP-layer capacity', () => {
    const serverSelection = acsV1.ServerSelectionResult.fromPartial({ fastestHost: 'near.example', minRttMs: 7.5, avgRttMs: 8, maxRttMs: 9.25 });
    expect(describeDiagnosticRun(complete(Kind.DIAGNOSTIC_KIND_SERVER_SELECTION, {}, { $case: 'serverSelection', serverSelection }))).toEqual([
      'fastest host: near.example',
      'rtt min/avg/max = 7.500/8.000/9.250 ms',
    ]);
    const ipLayerCapacity = acsV1.IpLayerCapacityResult.fromPartial({ maxIpLayerCapacityMbps: 49.5, lossRatioAtMax: 0, rttRangeAtMaxS: 0.004, ipLayerCapacitySummaryMbps: 37.25 });
    const run = complete(Kind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY, {}, { $case: 'ipLayerCapacity', ipLayerCapacity });
    expect(describeDiagnosticRun(run)).toEqual([
      '  max IP-layer capacity: 49.50 Mbit/s',
      '  loss ratio at max:     0',
      '  RTT range at max:      4.000 ms',
      '  capacity (summary):    37.25 Mbit/s',
    ]);
    expect(summarizeDiagnosticRun(run)).toBe('max 49.50 Mbit/s');
  });

  it('a run that did not complete: its status, state and reason', () => {
    const failed = acsV1.DiagnosticRun.fromPartial({
      id: 'run-9',
      kind: Kind.DIAGNOSTIC_KIND_TRACE_ROUTE,
      status: Status.DIAGNOSTIC_STATUS_FAILED,
      state: 'Error_MaxHopCountExceeded',
      failure: { state: 'Error_MaxHopCountExceeded', reason: 'the host was not reached within MaxHopCount hops' },
    });
    expect(describeDiagnosticRun(failed)).toEqual(['traceroute run-9: FAILED Error_MaxHopCountExceeded: the host was not reached within MaxHopCount hops']);
    expect(summarizeDiagnosticRun(failed)).toBe('Error_MaxHopCountExceeded: the host was not reached within MaxHopCount hops');
    const timedOut = acsV1.DiagnosticRun.fromPartial({ id: 'run-10', kind: Kind.DIAGNOSTIC_KIND_DOWNLOAD, status: Status.DIAGNOSTIC_STATUS_TIMED_OUT, state: 'Timeout', failure: { state: 'Timeout', reason: 'the device never reported 8 DIAGNOSTICS COMPLETE within 3 s' } });
    expect(describeDiagnosticRun(timedOut)).toEqual(['download run-10: TIMED_OUT Timeout: the device never reported 8 DIAGNOSTICS COMPLETE within 3 s']);
  });

  it('parses statuses as the list filter takes them', () => {
    expect(['running', 'TIMED_OUT', 'timed-out', 'DIAGNOSTIC_STATUS_COMPLETE', 'nope'].map(parseDiagnosticStatus)).toEqual([
      Status.DIAGNOSTIC_STATUS_RUNNING,
      Status.DIAGNOSTIC_STATUS_TIMED_OUT,
      Status.DIAGNOSTIC_STATUS_TIMED_OUT,
      Status.DIAGNOSTIC_STATUS_COMPLETE,
      undefined,
    ]);
  });
});
