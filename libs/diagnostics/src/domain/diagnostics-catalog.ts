/**
 * The TR-143 diagnostics each data model defines: where the object is, what the ACS may set before a run, the state
 * parameter, and what the device reports. Names were checked against the Broadband Forum models in
 * /work/shared/spec (`tr-181-2-17-0-cwmp-full.xml` for Device:2, `tr-098-1-8-0-full.xml` for
 * InternetGatewayDevice:1); each object below cites its line there. This is the one home of those names: the request
 * builder and the result parser read them from here, never spell them again.
 */

/** The two CWMP data models, named by their root object. */
export type DataModelRoot = 'Device' | 'InternetGatewayDevice';

export const DATA_MODEL_ROOTS: readonly DataModelRoot[] = ['Device', 'InternetGatewayDevice'];

export type DiagnosticsKind =
  | 'ipPing'
  | 'traceRoute'
  | 'download'
  | 'upload'
  | 'udpEcho'
  | 'serverSelection'
  | 'nsLookup'
  | 'ipLayerCapacity';

export const DIAGNOSTICS_KINDS: readonly DiagnosticsKind[] = [
  'ipPing',
  'traceRoute',
  'download',
  'upload',
  'udpEcho',
  'serverSelection',
  'nsLookup',
  'ipLayerCapacity',
];

/** Types of inputs: what they are sent as (xsd types of CWMP). */
export type InputType = 'string' | 'unsignedInt' | 'unsignedLong' | 'boolean';

export interface InputParameter {
  name: string;
  type: InputType;
  required: boolean;
  /**
   * Sent when the caller gives none. `acs` defaults exist because a CPE keeps the inputs of its previous run: a ping
   * requested without a count would silently inherit the last operator's; `spec` defaults are the model's own.
   */
  default?: string | number | boolean;
  defaultFrom?: 'acs' | 'spec';
  /** Inclusive bounds of an unsignedInt. */
  min?: number;
  max?: number;
  enumeration?: readonly string[];
  maxLength?: number;
  /** A comma-separated list (HostList, ServerList): the caller may give an array. */
  list?: boolean;
  unit?: string;
}

/** How a reported value is read: `decimal` values (IP capacity) come as text; lists are comma-separated. */
export type ResultType = 'string' | 'unsignedInt' | 'unsignedLong' | 'boolean' | 'dateTime' | 'decimal' | 'list';

export interface ResultParameter {
  /** The field of the typed result it feeds, the same on every model. */
  key: string;
  /** The parameter's name on this model. */
  name: string;
  type: ResultType;
  unit?: string;
}

/** A multi-instance object of results (`RouteHops.{i}.`, `Result.{i}.`), read instance by instance. */
export interface ResultTable {
  key: string;
  /** The table's name under the diagnostics object, e.g. `RouteHops` (instances are `RouteHops.<n>.`). */
  object: string;
  /** The NumberOfEntries parameter, when the model has one. */
  countParameter?: string;
  parameters: readonly ResultParameter[];
}

export interface DiagnosticsObject {
  kind: DiagnosticsKind;
  root: DataModelRoot;
  /** The object's path, ending in a dot; a GetParameterValues of it reads every result, tables included. */
  path: string;
  /** The model file and the line the object starts on. */
  source: string;
  stateParameter: 'DiagnosticsState';
  /** The state that means success: `Complete`, or `Completed` on the TR-098 transfer tests. */
  completeState: string;
  /** The `Error_*` states this model's object declares. */
  errorStates: readonly string[];
  inputs: readonly InputParameter[];
  /** At least one of these inputs must be given (IP capacity: ServerList, or the deprecated Host). */
  requireOneOf?: readonly string[];
  results: readonly ResultParameter[];
  tables: readonly ResultTable[];
}

const TR181 = 'tr-181-2-17-0-cwmp-full.xml';
const TR098 = 'tr-098-1-8-0-full.xml';

const PROTOCOL_VERSIONS = ['Any', 'IPv4', 'IPv6'] as const;

// Builders keep each object to one line per parameter.
const str = (name: string, more: Partial<InputParameter> = {}): InputParameter => ({ name, type: 'string', required: false, ...more });
const uint = (name: string, more: Partial<InputParameter> = {}): InputParameter => ({ name, type: 'unsignedInt', required: false, ...more });
const bool = (name: string, more: Partial<InputParameter> = {}): InputParameter => ({ name, type: 'boolean', required: false, ...more });
const acs = (value: string | number | boolean): Partial<InputParameter> => ({ default: value, defaultFrom: 'acs' });
const r = (key: string, name: string, type: ResultType, unit?: string): ResultParameter => ({ key, name, type, ...(unit ? { unit } : {}) });

const iface = str('Interface', { maxLength: 256 });
const protocolVersion = str('ProtocolVersion', { enumeration: PROTOCOL_VERSIONS });
const dscp = uint('DSCP', { min: 0, max: 63 });
const ethernetPriority = uint('EthernetPriority', { min: 0, max: 7 });
const dataBlockSize = uint('DataBlockSize', { min: 1, max: 65535, unit: 'bytes' });
const repetitions = (n: number) => uint('NumberOfRepetitions', { min: 1, ...acs(n) });
const timeoutMs = (ms: number, min = 1) => uint('Timeout', { min, unit: 'ms', ...acs(ms) });

const TRANSFER_TIMES = [
  r('romTime', 'ROMTime', 'dateTime'),
  r('bomTime', 'BOMTime', 'dateTime'),
  r('eomTime', 'EOMTime', 'dateTime'),
  r('tcpOpenRequestTime', 'TCPOpenRequestTime', 'dateTime'),
  r('tcpOpenResponseTime', 'TCPOpenResponseTime', 'dateTime'),
];

const TIME_BASED_TEST = [
  uint('TimeBasedTestDuration', { min: 0, max: 999, unit: 's' }),
  uint('TimeBasedTestMeasurementInterval', { min: 0, max: 999, unit: 's' }),
  uint('TimeBasedTestMeasurementOffset', { min: 0, max: 255, unit: 's' }),
  protocolVersion,
  uint('NumberOfConnections', { min: 1 }),
  bool('EnablePerConnectionResults'),
];

/** Device:2 (TR-181 Issue 2 Amendment 17). */
const DEVICE: readonly DiagnosticsObject[] = [
  {
    kind: 'ipPing',
    root: 'Device',
    path: 'Device.IP.Diagnostics.IPPing.',
    source: `${TR181}:56305`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error', 'Error_CannotResolveHostName', 'Error_NoRouteToHost', 'Error_Internal', 'Error_Other'],
    inputs: [iface, protocolVersion, str('Host', { required: true, maxLength: 256 }), repetitions(4), timeoutMs(1000), dataBlockSize, dscp],
    results: [
      r('ipAddressUsed', 'IPAddressUsed', 'string'),
      r('successCount', 'SuccessCount', 'unsignedInt'),
      r('failureCount', 'FailureCount', 'unsignedInt'),
      r('averageMs', 'AverageResponseTime', 'unsignedInt', 'ms'),
      r('minimumMs', 'MinimumResponseTime', 'unsignedInt', 'ms'),
      r('maximumMs', 'MaximumResponseTime', 'unsignedInt', 'ms'),
      r('averageUs', 'AverageResponseTimeDetailed', 'unsignedInt', 'µs'),
      r('minimumUs', 'MinimumResponseTimeDetailed', 'unsignedInt', 'µs'),
      r('maximumUs', 'MaximumResponseTimeDetailed', 'unsignedInt', 'µs'),
    ],
    tables: [],
  },
  {
    kind: 'traceRoute',
    root: 'Device',
    path: 'Device.IP.Diagnostics.TraceRoute.',
    source: `${TR181}:56558`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error', 'Error_CannotResolveHostName', 'Error_NoRouteToHost', 'Error_MaxHopCountExceeded', 'Error_Internal', 'Error_Other'],
    inputs: [
      iface,
      protocolVersion,
      str('Host', { required: true, maxLength: 256 }),
      uint('NumberOfTries', { min: 1, max: 3, ...acs(3) }),
      timeoutMs(5000),
      dataBlockSize,
      dscp,
      uint('MaxHopCount', { min: 1, max: 64, ...acs(30) }),
    ],
    results: [r('ipAddressUsed', 'IPAddressUsed', 'string'), r('responseTimeMs', 'ResponseTime', 'unsignedInt', 'ms')],
    tables: [
      {
        key: 'hops',
        object: 'RouteHops', // Device.IP.Diagnostics.TraceRoute.RouteHops.{i}. (line 58254)
        countParameter: 'RouteHopsNumberOfEntries',
        parameters: [r('host', 'Host', 'string'), r('hostAddress', 'HostAddress', 'string'), r('errorCode', 'ErrorCode', 'unsignedInt'), r('rttMs', 'RTTimes', 'list', 'ms')],
      },
    ],
  },
  {
    kind: 'download',
    root: 'Device',
    path: 'Device.IP.Diagnostics.DownloadDiagnostics.',
    source: `${TR181}:56739`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: [
      'Error_CannotResolveHostName', 'Error_NoRouteToHost', 'Error_InitConnectionFailed', 'Error_NoResponse', 'Error_TransferFailed',
      'Error_PasswordRequestFailed', 'Error_LoginFailed', 'Error_NoTransferMode', 'Error_NoPASV', 'Error_IncorrectSize', 'Error_Timeout',
      'Error_Internal', 'Error_Other',
    ],
    inputs: [iface, str('DownloadURL', { required: true, maxLength: 2048 }), dscp, ethernetPriority, ...TIME_BASED_TEST],
    results: [
      r('ipAddressUsed', 'IPAddressUsed', 'string'),
      ...TRANSFER_TIMES,
      r('testBytes', 'TestBytesReceived', 'unsignedLong', 'bytes'),
      r('totalBytesReceived', 'TotalBytesReceived', 'unsignedLong', 'bytes'),
      r('totalBytesSent', 'TotalBytesSent', 'unsignedLong', 'bytes'),
      r('testBytesUnderFullLoading', 'TestBytesReceivedUnderFullLoading', 'unsignedLong', 'bytes'),
      r('periodOfFullLoadingUs', 'PeriodOfFullLoading', 'unsignedInt', 'µs'),
    ],
    tables: [
      {
        key: 'perConnection',
        object: 'PerConnectionResult',
        countParameter: 'PerConnectionResultNumberOfEntries',
        parameters: [...TRANSFER_TIMES, r('testBytes', 'TestBytesReceived', 'unsignedLong', 'bytes'), r('totalBytesReceived', 'TotalBytesReceived', 'unsignedLong', 'bytes'), r('totalBytesSent', 'TotalBytesSent', 'unsignedLong', 'bytes')],
      },
      {
        key: 'incremental',
        object: 'IncrementalResult',
        countParameter: 'IncrementalResultNumberOfEntries',
        parameters: [r('testBytes', 'TestBytesReceived', 'unsignedLong', 'bytes'), r('startTime', 'StartTime', 'dateTime'), r('endTime', 'EndTime', 'dateTime')],
      },
    ],
  },
  {
    kind: 'upload',
    root: 'Device',
    path: 'Device.IP.Diagnostics.UploadDiagnostics.',
    source: `${TR181}:57246`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: [
      'Error_CannotResolveHostName', 'Error_NoRouteToHost', 'Error_InitConnectionFailed', 'Error_NoResponse', 'Error_PasswordRequestFailed',
      'Error_LoginFailed', 'Error_NoTransferMode', 'Error_NoPASV', 'Error_NoCWD', 'Error_NoSTOR', 'Error_NoTransferComplete', 'Error_Timeout',
      'Error_Internal', 'Error_Other',
    ],
    inputs: [
      iface,
      str('UploadURL', { required: true, maxLength: 2048 }),
      dscp,
      ethernetPriority,
      { name: 'TestFileLength', type: 'unsignedLong', required: true, unit: 'bytes' },
      ...TIME_BASED_TEST,
    ],
    results: [
      r('ipAddressUsed', 'IPAddressUsed', 'string'),
      r('testFileLength', 'TestFileLength', 'unsignedLong', 'bytes'),
      ...TRANSFER_TIMES,
      r('testBytes', 'TestBytesSent', 'unsignedLong', 'bytes'),
      r('totalBytesReceived', 'TotalBytesReceived', 'unsignedLong', 'bytes'),
      r('totalBytesSent', 'TotalBytesSent', 'unsignedLong', 'bytes'),
      r('testBytesUnderFullLoading', 'TestBytesSentUnderFullLoading', 'unsignedLong', 'bytes'),
      r('periodOfFullLoadingUs', 'PeriodOfFullLoading', 'unsignedInt', 'µs'),
    ],
    tables: [
      {
        key: 'perConnection',
        object: 'PerConnectionResult',
        countParameter: 'PerConnectionResultNumberOfEntries',
        parameters: [...TRANSFER_TIMES, r('testBytes', 'TestBytesSent', 'unsignedLong', 'bytes'), r('totalBytesReceived', 'TotalBytesReceived', 'unsignedLong', 'bytes'), r('totalBytesSent', 'TotalBytesSent', 'unsignedLong', 'bytes')],
      },
      {
        key: 'incremental',
        object: 'IncrementalResult',
        countParameter: 'IncrementalResultNumberOfEntries',
        parameters: [r('testBytes', 'TestBytesSent', 'unsignedLong', 'bytes'), r('startTime', 'StartTime', 'dateTime'), r('endTime', 'EndTime', 'dateTime')],
      },
    ],
  },
  {
    kind: 'udpEcho',
    root: 'Device',
    path: 'Device.IP.Diagnostics.UDPEchoDiagnostics.',
    source: `${TR181}:58469`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error_CannotResolveHostName', 'Error_Internal', 'Error_Other'],
    inputs: [
      iface,
      str('Host', { required: true, maxLength: 256 }),
      uint('Port', { min: 1, max: 65535, default: 7, defaultFrom: 'spec' }),
      repetitions(10),
      timeoutMs(1000),
      dataBlockSize,
      dscp,
      uint('InterTransmissionTime', { min: 1, max: 65535, unit: 'ms', ...acs(1000) }),
      protocolVersion,
      bool('EnableIndividualPacketResults'),
    ],
    results: [
      r('ipAddressUsed', 'IPAddressUsed', 'string'),
      r('successCount', 'SuccessCount', 'unsignedInt'),
      r('failureCount', 'FailureCount', 'unsignedInt'),
      r('averageUs', 'AverageResponseTime', 'unsignedInt', 'µs'),
      r('minimumUs', 'MinimumResponseTime', 'unsignedInt', 'µs'),
      r('maximumUs', 'MaximumResponseTime', 'unsignedInt', 'µs'),
    ],
    tables: [
      {
        key: 'packets',
        object: 'IndividualPacketResult',
        countParameter: 'IndividualPacketResultNumberOfEntries',
        parameters: [
          r('success', 'PacketSuccess', 'boolean'),
          r('sendTime', 'PacketSendTime', 'dateTime'),
          r('receiveTime', 'PacketReceiveTime', 'dateTime'),
          r('testGenSN', 'TestGenSN', 'unsignedInt'),
          r('testRespSN', 'TestRespSN', 'unsignedInt'),
          r('replyFailureCount', 'TestRespReplyFailureCount', 'unsignedInt'),
        ],
      },
    ],
  },
  {
    kind: 'serverSelection',
    root: 'Device',
    path: 'Device.IP.Diagnostics.ServerSelectionDiagnostics.',
    source: `${TR181}:60436`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error_CannotResolveHostName', 'Error_Internal', 'Error_Other'],
    inputs: [
      iface,
      str('ProtocolVersion', { enumeration: PROTOCOL_VERSIONS, default: 'Any', defaultFrom: 'spec' }),
      str('Protocol', { enumeration: ['ICMP', 'UDP Echo'], ...acs('ICMP') }),
      str('HostList', { required: true, list: true, maxLength: 256 }),
      repetitions(3),
      timeoutMs(1000),
    ],
    results: [
      r('fastestHost', 'FastestHost', 'string'),
      r('minimumUs', 'MinimumResponseTime', 'unsignedInt', 'µs'),
      r('averageUs', 'AverageResponseTime', 'unsignedInt', 'µs'),
      r('maximumUs', 'MaximumResponseTime', 'unsignedInt', 'µs'),
      r('ipAddressUsed', 'IPAddressUsed', 'string'),
    ],
    tables: [],
  },
  {
    kind: 'nsLookup',
    root: 'Device',
    path: 'Device.DNS.Diagnostics.NSLookupDiagnostics.',
    source: `${TR181}:74468`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error_DNSServerNotResolved', 'Error_Internal', 'Error_Other'],
    inputs: [iface, str('HostName', { required: true, maxLength: 256 }), str('DNSServer', { maxLength: 256 }), timeoutMs(5000), uint('NumberOfRepetitions', { ...acs(1) })],
    results: [r('successCount', 'SuccessCount', 'unsignedInt')],
    tables: [{ key: 'answers', object: 'Result', countParameter: 'ResultNumberOfEntries', parameters: nsLookupAnswer() }],
  },
  {
    kind: 'ipLayerCapacity',
    root: 'Device',
    path: 'Device.IP.Diagnostics.IPLayerCapacityMetrics.',
    source: `${TR181}:58745`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: [
      'Error_CannotResolveHostName', 'Error_NoRouteToHost', 'Error_InitConnectionFailed', 'Error_NoResponse', 'Error_PasswordRequestFailed',
      'Error_LoginFailed', 'Error_RejectedByRemote', 'Error_IncorrectSize', 'Error_Timeout', 'Error_Internal', 'Error_Other',
    ],
    // The model's tuning knobs (thresholds, rate-adjustment algorithm…) are left to the device's defaults: the ones
    // below are what an operator chooses for a measurement.
    inputs: [
      iface,
      str('Role', { enumeration: ['Receiver', 'Sender'] }),
      str('ServerList', { list: true, maxLength: 256 }),
      str('Host', { maxLength: 256 }), // deprecated in 2.17 for ServerList; older devices have only this
      uint('Port', { min: 1, max: 65535 }), // deprecated with Host
      bool('JumboFramesPermitted'),
      uint('NumberOfConnections', { min: 1 }), // deprecated in 2.17 for FlowCount
      uint('FlowCount'),
      ethernetPriority,
      dscp,
      protocolVersion,
      uint('UDPPayloadMin', { min: 35, max: 8972, unit: 'octets' }),
      uint('UDPPayloadMax', { min: 35, max: 8972, unit: 'octets' }),
      str('TestType', { enumeration: ['Search', 'Fixed'] }),
      uint('StartSendingRate', { min: 500, max: 40000000, unit: 'kbps' }),
      uint('NumberTestSubIntervals', { min: 1, max: 100 }),
      uint('TestSubInterval', { min: 100, max: 6000, unit: 'ms' }),
      uint('StatusFeedbackInterval', { min: 5, max: 250, unit: 'ms' }),
      bool('IPDVEnable'),
      bool('IPRREnable'),
      bool('RIPREnable'),
    ],
    requireOneOf: ['ServerList', 'Host'],
    results: [
      r('bomTime', 'BOMTime', 'dateTime'),
      r('eomTime', 'EOMTime', 'dateTime'),
      r('testIntervalS', 'TestInterval', 'unsignedInt', 's'),
      r('maxIpLayerCapacityMbps', 'MaxIPLayerCapacity', 'decimal', 'Mbps'),
      r('timeOfMax', 'TimeOfMax', 'dateTime'),
      r('lossRatioAtMax', 'LossRatioAtMax', 'decimal'),
      r('rttRangeAtMaxS', 'RTTRangeAtMax', 'decimal', 's'),
      r('pdvRangeAtMaxS', 'PDVRangeAtMax', 'decimal', 's'),
      r('minOnewayDelayAtMaxS', 'MinOnewayDelayAtMax', 'decimal', 's'),
      r('ipLayerCapacitySummaryMbps', 'IPLayerCapacitySummary', 'decimal', 'Mbps'),
      r('lossRatioSummary', 'LossRatioSummary', 'decimal'),
      r('minRttSummaryS', 'MinRTTSummary', 'decimal', 's'),
    ],
    tables: [
      {
        key: 'modal',
        object: 'ModalResult',
        countParameter: 'ModalResultNumberOfEntries',
        parameters: [r('maxIpLayerCapacityMbps', 'MaxIPLayerCapacity', 'decimal', 'Mbps'), r('timeOfMax', 'TimeOfMax', 'dateTime'), r('lossRatioAtMax', 'LossRatioAtMax', 'decimal')],
      },
      {
        key: 'incremental',
        object: 'IncrementalResult',
        countParameter: 'IncrementalResultNumberOfEntries',
        parameters: [r('ipLayerCapacityMbps', 'IPLayerCapacity', 'decimal', 'Mbps'), r('timeOfSubInterval', 'TimeOfSubInterval', 'dateTime'), r('lossRatio', 'LossRatio', 'decimal'), r('rttRangeS', 'RTTRange', 'decimal', 's')],
      },
    ],
  },
];

function nsLookupAnswer(): ResultParameter[] {
  // Same names on both models (TR-181 line 74598, TR-098 line 22401).
  return [
    r('status', 'Status', 'string'),
    r('answerType', 'AnswerType', 'string'),
    r('hostNameReturned', 'HostNameReturned', 'string'),
    r('ipAddresses', 'IPAddresses', 'list'),
    r('dnsServerIp', 'DNSServerIP', 'string'),
    r('responseTimeMs', 'ResponseTime', 'unsignedInt', 'ms'),
  ];
}

/**
 * InternetGatewayDevice:1 (TR-098 Amendment 8). It has no UDPEchoDiagnostics, ServerSelectionDiagnostics or
 * IPLayerCapacityMetrics. UDPEchoConfig (both models) is the CPE's echo responder for tests run from elsewhere, not
 * a test the CPE runs: it has no DiagnosticsState and is not in this catalog.
 */
const INTERNET_GATEWAY_DEVICE: readonly DiagnosticsObject[] = [
  {
    kind: 'ipPing',
    root: 'InternetGatewayDevice',
    path: 'InternetGatewayDevice.IPPingDiagnostics.',
    source: `${TR098}:5087`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error_CannotResolveHostName', 'Error_Internal', 'Error_Other'],
    inputs: [iface, str('Host', { required: true, maxLength: 256 }), repetitions(4), timeoutMs(1000), dataBlockSize, dscp],
    results: [
      r('successCount', 'SuccessCount', 'unsignedInt'),
      r('failureCount', 'FailureCount', 'unsignedInt'),
      r('averageMs', 'AverageResponseTime', 'unsignedInt', 'ms'),
      r('minimumMs', 'MinimumResponseTime', 'unsignedInt', 'ms'),
      r('maximumMs', 'MaximumResponseTime', 'unsignedInt', 'ms'),
    ],
    tables: [],
  },
  {
    kind: 'traceRoute',
    root: 'InternetGatewayDevice',
    path: 'InternetGatewayDevice.TraceRouteDiagnostics.',
    source: `${TR098}:20282`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error_CannotResolveHostName', 'Error_MaxHopCountExceeded'],
    inputs: [
      iface,
      str('Host', { required: true, maxLength: 256 }),
      uint('NumberOfTries', { min: 1, max: 3, ...acs(3) }),
      timeoutMs(5000),
      dataBlockSize,
      dscp,
      uint('MaxHopCount', { min: 1, max: 64, ...acs(30) }),
    ],
    results: [r('responseTimeMs', 'ResponseTime', 'unsignedInt', 'ms')],
    tables: [
      {
        key: 'hops',
        object: 'RouteHops', // InternetGatewayDevice.TraceRouteDiagnostics.RouteHops.{i}. (line 20427): Hop-prefixed names
        countParameter: 'RouteHopsNumberOfEntries',
        parameters: [r('host', 'HopHost', 'string'), r('hostAddress', 'HopHostAddress', 'string'), r('errorCode', 'HopErrorCode', 'unsignedInt'), r('rttMs', 'HopRTTimes', 'list', 'ms')],
      },
    ],
  },
  {
    kind: 'download',
    root: 'InternetGatewayDevice',
    path: 'InternetGatewayDevice.DownloadDiagnostics.',
    source: `${TR098}:19604`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Completed',
    errorStates: [
      'Error_InitConnectionFailed', 'Error_NoResponse', 'Error_TransferFailed', 'Error_PasswordRequestFailed', 'Error_LoginFailed',
      'Error_NoTransferMode', 'Error_NoPASV', 'Error_IncorrectSize', 'Error_Timeout',
    ],
    inputs: [iface, str('DownloadURL', { required: true, maxLength: 256 }), dscp, ethernetPriority],
    results: [...TRANSFER_TIMES, r('testBytes', 'TestBytesReceived', 'unsignedInt', 'bytes'), r('totalBytesReceived', 'TotalBytesReceived', 'unsignedInt', 'bytes')],
    tables: [],
  },
  {
    kind: 'upload',
    root: 'InternetGatewayDevice',
    path: 'InternetGatewayDevice.UploadDiagnostics.',
    source: `${TR098}:19832`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Completed',
    errorStates: [
      'Error_InitConnectionFailed', 'Error_NoResponse', 'Error_PasswordRequestFailed', 'Error_LoginFailed', 'Error_NoTransferMode',
      'Error_NoPASV', 'Error_NoCWD', 'Error_NoSTOR', 'Error_NoTransferComplete',
    ],
    inputs: [iface, str('UploadURL', { required: true, maxLength: 256 }), dscp, ethernetPriority, uint('TestFileLength', { required: true, unit: 'bytes' })],
    results: [r('testFileLength', 'TestFileLength', 'unsignedInt', 'bytes'), ...TRANSFER_TIMES, r('totalBytesSent', 'TotalBytesSent', 'unsignedInt', 'bytes')],
    tables: [],
  },
  {
    kind: 'nsLookup',
    root: 'InternetGatewayDevice',
    path: 'InternetGatewayDevice.NSLookupDiagnostics.',
    source: `${TR098}:22252`,
    stateParameter: 'DiagnosticsState',
    completeState: 'Complete',
    errorStates: ['Error_DNSServerNotResolved', 'Error_Internal', 'Error_Other'],
    inputs: [iface, str('HostName', { required: true, maxLength: 256 }), str('DNSServer', { maxLength: 256 }), timeoutMs(5000), uint('NumberOfRepetitions', { ...acs(1) })],
    results: [r('successCount', 'SuccessCount', 'unsignedInt')],
    tables: [{ key: 'answers', object: 'Result', countParameter: 'ResultNumberOfEntries', parameters: nsLookupAnswer() }],
  },
];

const CATALOG: ReadonlyMap<DataModelRoot, ReadonlyMap<DiagnosticsKind, DiagnosticsObject>> = new Map(
  [DEVICE, INTERNET_GATEWAY_DEVICE].map((objects) => [objects[0].root, new Map(objects.map((o) => [o.kind, o]))]),
);

/** The data model a parameter path (or a bare root name) belongs to; undefined for anything else. */
export function dataModelRootOf(pathOrRoot: string): DataModelRoot | undefined {
  const first = pathOrRoot.split('.', 1)[0];
  return DATA_MODEL_ROOTS.find((root) => root === first);
}

/** The diagnostics object of this kind on a device of this root, or undefined when that model has none. */
export function diagnosticsOf(kind: DiagnosticsKind, root: DataModelRoot): DiagnosticsObject | undefined {
  return CATALOG.get(root)?.get(kind);
}

/** Every diagnostics object of a model, in catalog order. */
export function diagnosticsCatalog(root: DataModelRoot): readonly DiagnosticsObject[] {
  return [...(CATALOG.get(root)?.values() ?? [])];
}

export function isDiagnosticsKind(value: string): value is DiagnosticsKind {
  return (DIAGNOSTICS_KINDS as readonly string[]).includes(value);
}
