import { acsV1 } from '@acs/contracts';
import type { OptionSpec } from '../cli/command';
import type { ParsedOptions } from '../cli/parsed-options';

/**
 * One `acsctl diag <test>` command: the TR-143 test it runs, the positional target and which TR-143 input it fills,
 * and the options that map to inputs. The inputs' names are the data models' own (the same on TR-181 and TR-098);
 * the service checks them against the device's model (an input the model lacks is refused, naming it).
 */
export interface DiagTestCommand {
  action: string;
  kind: acsV1.DiagnosticKind;
  summary: string;
  /** The positional target: its usage word, the input it fills, whether it is required, and many (a list). */
  target?: { usage: string; input: string; required: boolean; many?: boolean };
  /**
   * Download and upload: without a URL the test runs against the ACS's own test endpoint, with a payload of `--bytes`
   * (RunDiagnostic's acs_endpoint_bytes; the service signs the URL for the run).
   */
  acsEndpoint?: { defaultBytes?: number };
  options: Record<string, InputOption>;
}

/** An option that sets one input: its text as is, or converted (a duration to ms, a word to the model's enum). */
export interface InputOption extends OptionSpec {
  /** The input it sets; '' for an option of the run itself (a download's --bytes of the ACS's endpoint). */
  input: string;
  convert?: (text: string, options: ParsedOptions, name: string) => string;
}

const count = (input = 'NumberOfRepetitions'): InputOption => ({ type: 'string', short: 'c', valueName: 'COUNT', input, description: `how many probes (${input})` });
const size: InputOption = { type: 'string', short: 's', valueName: 'BYTES', input: 'DataBlockSize', description: 'probe payload size (DataBlockSize)' };
const replyTimeout: InputOption = {
  type: 'string',
  short: 'W',
  valueName: 'TIMEOUT',
  input: 'Timeout',
  convert: millis,
  description: 'how long to wait for each reply, a duration (bare number: seconds, as ping\'s -W) → Timeout in ms',
};
const dscp: InputOption = { type: 'string', valueName: 'N', input: 'DSCP', description: 'DiffServ code point of the test packets, 0-63 (DSCP)' };
const iface: InputOption = { type: 'string', short: 'I', valueName: 'PATH', input: 'Interface', description: 'the interface to test from, e.g. Device.IP.Interface.1 (Interface)' };
const ipVersion: InputOption = {
  type: 'string',
  valueName: '4|6|any',
  input: 'ProtocolVersion',
  convert: (text, options, name) => {
    const version = { '4': 'IPv4', ipv4: 'IPv4', '6': 'IPv6', ipv6: 'IPv6', any: 'Any' }[text.trim().toLowerCase()];
    if (!version) throw options.usage(`--${name}: "${text}" is not 4, 6 or any`);
    return version;
  },
  description: 'IP version (ProtocolVersion; TR-181)',
};

/** The tests, in the order the help lists them. */
export const DIAG_TESTS: readonly DiagTestCommand[] = [
  {
    action: 'ping',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING,
    summary: 'IP ping from the device (IPPing); with --wait, prints ping\'s statistics',
    target: { usage: 'HOST', input: 'Host', required: true },
    options: { count: count(), size, 'reply-timeout': replyTimeout, dscp, interface: iface, 'ip-version': ipVersion },
  },
  {
    action: 'traceroute',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_TRACE_ROUTE,
    summary: 'trace route from the device (TraceRoute); with --wait, prints the hops',
    target: { usage: 'HOST', input: 'Host', required: true },
    options: {
      'max-hops': { type: 'string', short: 'm', valueName: 'N', input: 'MaxHopCount', description: 'hops at most, 1-64 (MaxHopCount)' },
      tries: { type: 'string', short: 'q', valueName: 'N', input: 'NumberOfTries', description: 'probes per hop, 1-3 (NumberOfTries)' },
      size,
      'reply-timeout': replyTimeout,
      dscp,
      interface: iface,
      'ip-version': ipVersion,
    },
  },
  {
    action: 'download',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_DOWNLOAD,
    summary: 'HTTP/FTP download test (DownloadDiagnostics); without URL, from the ACS\'s own test endpoint; with --wait, prints bytes, times and throughput',
    target: { usage: 'URL', input: 'DownloadURL', required: false },
    acsEndpoint: { defaultBytes: 10_000_000 },
    options: {
      // Not an input of the device's: the size the ACS's test endpoint serves (no URL given).
      bytes: { type: 'string', valueName: 'N', input: '', description: 'without URL: the payload the ACS\'s test endpoint serves (default 10000000)' },
      connections: { type: 'string', valueName: 'N', input: 'NumberOfConnections', description: 'parallel connections (NumberOfConnections; TR-181)' },
      duration: { type: 'string', valueName: 'SECONDS', input: 'TimeBasedTestDuration', description: 'a time-based test of this many seconds, 0-999 (TimeBasedTestDuration; TR-181)' },
      dscp,
      interface: iface,
    },
  },
  {
    action: 'upload',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_UPLOAD,
    summary: 'HTTP/FTP upload test (UploadDiagnostics); without URL, to the ACS\'s own test endpoint; with --wait, prints bytes, times and throughput',
    target: { usage: 'URL', input: 'UploadURL', required: false },
    acsEndpoint: {},
    options: {
      bytes: { type: 'string', valueName: 'N', input: 'TestFileLength', description: 'how many bytes to send (TestFileLength; required)' },
      connections: { type: 'string', valueName: 'N', input: 'NumberOfConnections', description: 'parallel connections (NumberOfConnections; TR-181)' },
      duration: { type: 'string', valueName: 'SECONDS', input: 'TimeBasedTestDuration', description: 'a time-based test of this many seconds (TimeBasedTestDuration; TR-181)' },
      dscp,
      interface: iface,
    },
  },
  {
    action: 'nslookup',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_NS_LOOKUP,
    summary: 'DNS lookup by the device (NSLookupDiagnostics); with --wait, prints the answers as nslookup does',
    target: { usage: 'HOST', input: 'HostName', required: true },
    options: {
      server: { type: 'string', valueName: 'DNS_SERVER', input: 'DNSServer', description: 'ask this DNS server instead of the device\'s own (DNSServer)' },
      count: count(),
      'reply-timeout': replyTimeout,
      interface: iface,
    },
  },
  {
    action: 'udpecho',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_UDP_ECHO,
    summary: 'UDP echo test (UDPEchoDiagnostics; TR-181); with --wait, prints the echo statistics',
    target: { usage: 'HOST', input: 'Host', required: true },
    options: {
      port: { type: 'string', short: 'p', valueName: 'PORT', input: 'Port', description: 'the echo server\'s UDP port (Port; default 7)' },
      count: count(),
      interval: { type: 'string', valueName: 'DURATION', input: 'InterTransmissionTime', convert: millis, description: 'time between packets, a duration (InterTransmissionTime in ms)' },
      size,
      'reply-timeout': replyTimeout,
      dscp,
      interface: iface,
      'ip-version': ipVersion,
    },
  },
  {
    action: 'serverselection',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_SERVER_SELECTION,
    summary: 'the fastest of several hosts (ServerSelectionDiagnostics; TR-181)',
    target: { usage: 'HOST...', input: 'HostList', required: true, many: true },
    options: {
      protocol: {
        type: 'string',
        valueName: 'icmp|udp',
        input: 'Protocol',
        convert: (text, options, name) => {
          const protocol = { icmp: 'ICMP', udp: 'UDP Echo', 'udp echo': 'UDP Echo' }[text.trim().toLowerCase()];
          if (!protocol) throw options.usage(`--${name}: "${text}" is not icmp or udp`);
          return protocol;
        },
        description: 'how hosts are probed (Protocol; default icmp)',
      },
      count: count(),
      'reply-timeout': replyTimeout,
      interface: iface,
      'ip-version': ipVersion,
    },
  },
  {
    action: 'capacity',
    kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY,
    summary: 'TR-471 IP-layer capacity test (IPLayerCapacityMetrics; TR-181)',
    target: { usage: '[SERVER...]', input: 'ServerList', required: false, many: true },
    options: {
      role: {
        type: 'string',
        valueName: 'receiver|sender',
        input: 'Role',
        convert: (text, options, name) => {
          const role = { receiver: 'Receiver', sender: 'Sender' }[text.trim().toLowerCase()];
          if (!role) throw options.usage(`--${name}: "${text}" is not receiver or sender`);
          return role;
        },
        description: 'the device receives (download direction) or sends (Role)',
      },
      'test-type': { type: 'string', valueName: 'Search|Fixed', input: 'TestType', description: 'search for the capacity or test a fixed rate (TestType)' },
      dscp,
      interface: iface,
    },
  },
];

/** Options every test command takes besides its own. */
export const DIAG_COMMON_OPTIONS: Record<string, OptionSpec> = {
  input: {
    type: 'string',
    multiple: true,
    valueName: 'NAME=VALUE',
    description: 'any input of the test object by its parameter name, e.g. EthernetPriority=3 (repeatable; wins over the options)',
  },
  wait: { type: 'boolean', description: 'follow the run until it ends and print its result' },
};

/**
 * The inputs of a RunDiagnostic from the command line: the target, the options, then every `--input`. A value is
 * passed as text: the service validates it against the device's data model and names every bad input at once.
 */
export function diagnosticInputs(test: DiagTestCommand, targets: readonly string[], options: ParsedOptions): Record<string, string> {
  const inputs: Record<string, string> = {};
  if (test.target && targets.length > 0) {
    if (!test.target.many && targets.length > 1) throw options.usage(`diag ${test.action}: one ${test.target.usage}, not ${targets.length}`);
    inputs[test.target.input] = targets.map((t) => t.trim()).join(',');
  } else if (test.target?.required) {
    throw options.usage(`diag ${test.action}: missing ${test.target.usage}`);
  }
  for (const [name, spec] of Object.entries(test.options)) {
    const text = options.string(name);
    if (text === undefined || spec.input === '') continue;
    inputs[spec.input] = spec.convert ? spec.convert(text, options, name) : text.trim();
  }
  for (const pair of options.strings('input')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? '' : pair.slice(0, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw options.usage(`--input: "${pair}" is not NAME=VALUE (a parameter name of the test object, e.g. DSCP=46)`);
    inputs[name] = pair.slice(eq + 1);
  }
  return inputs;
}

/**
 * The payload size of a download or upload run against the ACS's own test endpoint (no URL given), or undefined when
 * the test names its own server. Download: `--bytes` (default 10 MB); upload: its `--bytes` (TestFileLength), required.
 */
export function acsEndpointBytes(test: DiagTestCommand, targets: readonly string[], options: ParsedOptions): number | undefined {
  if (!test.acsEndpoint || targets.length > 0) return undefined;
  const text = options.string('bytes');
  if (text === undefined) {
    if (test.acsEndpoint.defaultBytes !== undefined) return test.acsEndpoint.defaultBytes;
    throw options.usage(`diag ${test.action}: --bytes N is required (the size to send to the ACS's test endpoint, or give a URL)`);
  }
  const bytes = Number(text.trim());
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw options.usage(`--bytes: "${text}" is not a positive whole number of bytes`);
  return bytes;
}

/**
 * `--timeout` of a test command: the run's timeout in whole seconds (rounded up; the API takes 1 to 86400), or
 * undefined for the service's default.
 */
export function runTimeoutSeconds(options: ParsedOptions): number | undefined {
  const ms = options.durationMs('timeout');
  if (ms === undefined) return undefined;
  const seconds = Math.ceil(ms / 1000);
  if (seconds > 86_400) throw options.usage('--timeout: a run lasts at most 24h');
  return seconds;
}

/** A duration option (`500ms`, `2s`, bare seconds) as whole milliseconds, the unit of TR-143's timeouts. */
function millis(_text: string, options: ParsedOptions, name: string): string {
  return String(options.durationMs(name));
}

/** `ping`, `IP_PING`, `DIAGNOSTIC_KIND_IP_PING`, `ipPing` → the kind; undefined when it names none. */
export function parseDiagnosticKind(text: string): acsV1.DiagnosticKind | undefined {
  const word = text.trim().toLowerCase().replace(/^diagnostic_kind_/, '').replace(/[_\s-]/g, '');
  const byAction = DIAG_TESTS.find((t) => t.action === word);
  if (byAction) return byAction.kind;
  for (const test of DIAG_TESTS) {
    const name = acsV1.diagnosticKindToJSON(test.kind).replace(/^DIAGNOSTIC_KIND_/, '').toLowerCase().replace(/_/g, '');
    if (name === word) return test.kind;
  }
  return undefined;
}

/** `DIAGNOSTIC_KIND_IP_PING` → `ping` (the command's word). */
export function diagnosticKindLabel(kind: acsV1.DiagnosticKind): string {
  return DIAG_TESTS.find((t) => t.kind === kind)?.action ?? acsV1.diagnosticKindToJSON(kind);
}
