import { acsV1 } from '@acs/contracts';
import { COMMANDS } from '../acsctl';
import { UsageError } from '../cli/cli-errors';
import { parseCommandLine } from '../cli/command-line.parser';
import { acsEndpointBytes, DIAG_TESTS, diagnosticInputs, parseDiagnosticKind, runTimeoutSeconds } from './diag-request.builder';

/** The inputs and run timeout `acsctl diag <test> …` would send. */
function request(argv: string[]): { inputs: Record<string, string>; timeoutSeconds?: number; acsEndpointBytes?: number } {
  const line = parseCommandLine(['diag', ...argv], COMMANDS);
  if (line.kind !== 'command') throw new Error(`not a command: ${argv.join(' ')}`);
  const test = DIAG_TESTS.find((t) => t.action === line.command.action)!;
  const [, ...targets] = line.args;
  const timeoutSeconds = runTimeoutSeconds(line.options);
  const bytes = acsEndpointBytes(test, targets, line.options);
  return { inputs: diagnosticInputs(test, targets, line.options), ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }), ...(bytes === undefined ? {} : { acsEndpointBytes: bytes }) };
}

function usageError(argv: string[]): string {
  try {
    request(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('acsctl diag: options to TR-143 inputs', () => {
  it('ping: -c -s -W (a duration, bare seconds as ping\'s) --dscp --interface --ip-version, and --timeout for the run', () => {
    expect(request(['ping', 'dev-1', 'gw.example', '-c', '10', '-s', '1200', '-W', '1.5', '--dscp', '46', '-I', 'Device.IP.Interface.1', '--ip-version', '6', '--timeout', '2m'])).toEqual({
      inputs: { Host: 'gw.example', NumberOfRepetitions: '10', DataBlockSize: '1200', Timeout: '1500', DSCP: '46', Interface: 'Device.IP.Interface.1', ProtocolVersion: 'IPv6' },
      timeoutSeconds: 120,
    });
    expect(request(['ping', 'dev-1', 'gw.example', '--reply-timeout', '300ms'])).toEqual({ inputs: { Host: 'gw.example', Timeout: '300' } });
  });

  it('traceroute --max-hops --tries; download URL; upload URL --bytes; nslookup HOST --server', () => {
    expect(request(['traceroute', 'dev-1', '192.0.2.1', '--max-hops', '20', '--tries', '1']).inputs).toEqual({ Host: '192.0.2.1', MaxHopCount: '20', NumberOfTries: '1' });
    expect(request(['traceroute', 'dev-1', '192.0.2.1', '-m', '20', '-q', '2']).inputs).toEqual({ Host: '192.0.2.1', MaxHopCount: '20', NumberOfTries: '2' });
    expect(request(['download', 'dev-1', 'http://files.example/10MB', '--connections', '4', '--duration', '10']).inputs).toEqual({
      DownloadURL: 'http://files.example/10MB',
      NumberOfConnections: '4',
      TimeBasedTestDuration: '10',
    });
    expect(request(['upload', 'dev-1', 'http://files.example/up', '--bytes', '1000000']).inputs).toEqual({ UploadURL: 'http://files.example/up', TestFileLength: '1000000' });
    expect(request(['nslookup', 'dev-1', 'acs.example', '--server', '192.0.2.53', '-c', '3']).inputs).toEqual({ HostName: 'acs.example', DNSServer: '192.0.2.53', NumberOfRepetitions: '3' });
  });

  it('udpecho --port --interval; serverselection HOST... --protocol; capacity [SERVER...] --role', () => {
    expect(request(['udpecho', 'dev-1', 'echo.example', '-p', '7000', '--interval', '20ms', '-c', '5']).inputs).toEqual({
      Host: 'echo.example',
      Port: '7000',
      InterTransmissionTime: '20',
      NumberOfRepetitions: '5',
    });
    expect(request(['serverselection', 'dev-1', 'a.example', 'b.example', '--protocol', 'udp']).inputs).toEqual({ HostList: 'a.example,b.example', Protocol: 'UDP Echo' });
    expect(request(['capacity', 'dev-1', 's1.example', 's2.example', '--role', 'sender']).inputs).toEqual({ ServerList: 's1.example,s2.example', Role: 'Sender' });
    expect(request(['capacity', 'dev-1']).inputs).toEqual({});
  });

  it('--input Name=Value for any other input, repeatable, winning over the options; the value as given', () => {
    expect(request(['ping', 'dev-1', 'gw.example', '-c', '3', '--input', 'NumberOfRepetitions=5', '--input', 'EthernetPriority=3', '--input', 'Note=a=b, c']).inputs).toEqual({
      Host: 'gw.example',
      NumberOfRepetitions: '5',
      EthernetPriority: '3',
      Note: 'a=b, c',
    });
  });

  it('download and upload without a URL use the ACS\'s own test endpoint, sized by --bytes', () => {
    expect(request(['download', 'dev-1'])).toEqual({ inputs: {}, acsEndpointBytes: 10_000_000 });
    expect(request(['download', 'dev-1', '--bytes', '2000000'])).toEqual({ inputs: {}, acsEndpointBytes: 2_000_000 });
    expect(request(['upload', 'dev-1', '--bytes', '1000'])).toEqual({ inputs: { TestFileLength: '1000' }, acsEndpointBytes: 1000 });
    expect(request(['download', 'dev-1', 'http://speed.example/10MB'])).toEqual({ inputs: { DownloadURL: 'http://speed.example/10MB' } });
  });

  it('refuses what cannot be sent, naming the option', () => {
    expect(() => parseCommandLine(['diag', 'ping', 'dev-1'], COMMANDS)).not.toThrow();
    expect(usageError(['ping', 'dev-1'])).toBe('diag ping: missing HOST');
    expect(usageError(['upload', 'dev-1'])).toBe("diag upload: --bytes N is required (the size to send to the ACS's test endpoint, or give a URL)");
    expect(usageError(['download', 'dev-1', '--bytes', '1.5'])).toBe('--bytes: "1.5" is not a positive whole number of bytes');
    expect(usageError(['ping', 'dev-1', 'gw.example', '--ip-version', '5'])).toBe('--ip-version: "5" is not 4, 6 or any');
    expect(usageError(['ping', 'dev-1', 'gw.example', '-W', 'soon'])).toBe('--reply-timeout: "soon" is not a duration (e.g. 30s, 500ms, 2m)');
    expect(usageError(['ping', 'dev-1', 'gw.example', '--input', 'NoEquals'])).toMatch(/^--input: "NoEquals" is not NAME=VALUE/);
    expect(usageError(['serverselection', 'dev-1', 'a.example', '--protocol', 'tcp'])).toBe('--protocol: "tcp" is not icmp or udp');
    expect(usageError(['capacity', 'dev-1', '--role', 'both'])).toBe('--role: "both" is not receiver or sender');
    expect(usageError(['ping', 'dev-1', 'gw.example', '--timeout', '25h'])).toBe('--timeout: a run lasts at most 24h');
    expect(() => parseCommandLine(['diag', 'ping', 'dev-1', 'a.example', 'b.example'], COMMANDS)).toThrow('diag ping: unexpected argument "b.example"');
    expect(() => parseCommandLine(['diag', 'ping', 'dev-1', 'gw.example', '--max-hops', '3'], COMMANDS)).toThrow(UsageError);
  });

  it('--timeout rounds up to whole seconds (the API\'s unit)', () => {
    expect(request(['ping', 'dev-1', 'gw.example', '--timeout', '1500ms']).timeoutSeconds).toBe(2);
  });

  it('names tests as the commands, the enum or the domain do', () => {
    expect(['ping', 'IP_PING', 'DIAGNOSTIC_KIND_IP_PING', 'ipPing'].map(parseDiagnosticKind)).toEqual(Array(4).fill(acsV1.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING));
    expect(['capacity', 'ip-layer-capacity', 'nslookup', 'ns_lookup', 'traceroute'].map(parseDiagnosticKind)).toEqual([
      acsV1.DiagnosticKind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY,
      acsV1.DiagnosticKind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY,
      acsV1.DiagnosticKind.DIAGNOSTIC_KIND_NS_LOOKUP,
      acsV1.DiagnosticKind.DIAGNOSTIC_KIND_NS_LOOKUP,
      acsV1.DiagnosticKind.DIAGNOSTIC_KIND_TRACE_ROUTE,
    ]);
    expect(parseDiagnosticKind('speedtest')).toBeUndefined();
  });
});
