// The CWMP message model: one TypeScript shape per RPC of cwmp-1-0.xsd … cwmp-1-4.xsd, in both directions.
// Field names are the schema's element names in camelCase; every message carries `kind`, the element name,
// so a message is a discriminated union the compiler can check exhaustively.

export type CwmpVersion = '1.0' | '1.1' | '1.2' | '1.3' | '1.4';

/** xsd types CWMP values use. `value` below is typed by this. */
export type XsdType =
  | 'string'
  | 'int'
  | 'unsignedInt'
  | 'long'
  | 'unsignedLong'
  | 'boolean'
  | 'dateTime'
  | 'base64'
  | 'hexBinary';

/**
 * A typed parameter value.
 * - string, base64, hexBinary: the text as sent;
 * - dateTime: the text as sent (ISO 8601; the unknown time `0001-01-01T00:00:00Z` is kept as is);
 * - int, unsignedInt: a number;
 * - long, unsignedLong: a number when it is a safe integer, otherwise its decimal string;
 * - boolean: a boolean (`1`/`0`/`true`/`false` accepted on input).
 * Values whose xsi:type is missing or unknown are parsed as `string`, with the declared type in `declaredType`.
 */
export interface CwmpValue {
  type: XsdType;
  value: string | number | boolean;
  /** The xsi:type the device sent when it was not one we know (e.g. `xsd:unsignedByte`), without prefix. */
  declaredType?: string;
}

export interface ParameterValueStruct {
  name: string;
  value: CwmpValue;
}

export interface DeviceIdStruct {
  manufacturer: string;
  oui: string;
  productClass: string;
  serialNumber: string;
}

export interface EventStruct {
  eventCode: string;
  commandKey: string;
}

export interface FaultStruct {
  faultCode: number;
  faultString: string;
}

export interface ParameterInfoStruct {
  name: string;
  writable: boolean;
}

/** 0 off, 1 passive, 2 active, 3 passive lightweight, 4 passive with active lightweight, 5 active lightweight, 6 … */
export type Notification = number;

export interface SetParameterAttributesStruct {
  name: string;
  notificationChange: boolean;
  notification: Notification;
  accessListChange: boolean;
  accessList: string[];
}

export interface ParameterAttributeStruct {
  name: string;
  notification: Notification;
  accessList: string[];
}

export interface TimeWindowStruct {
  windowStart: number;
  windowEnd: number;
  windowMode: string;
  userMessage: string;
  maxRetries: number;
}

export interface QueuedTransferStruct {
  commandKey: string;
  /** 1 not yet started, 2 in progress, 3 completed */
  state: number;
}

export interface AllQueuedTransferStruct extends QueuedTransferStruct {
  isDownload: boolean;
  fileType: string;
  fileSize: number;
  targetFileName: string;
}

export interface OptionStruct {
  optionName: string;
  voucherSN: string;
  state: number;
  mode: string;
  startDate: string;
  expirationDate?: string;
  isTransferable: boolean;
}

export interface ArgStruct {
  name: string;
  value: string;
}

export type DuOperation =
  | { operation: 'Install'; url: string; uuid: string; username: string; password: string; executionEnvRef: string }
  | { operation: 'Update'; uuid: string; version: string; url: string; username: string; password: string }
  | { operation: 'Uninstall'; uuid: string; version: string; executionEnvRef: string };

export interface OpResultStruct {
  uuid: string;
  deploymentUnitRef: string;
  version: string;
  currentState: string;
  resolved: boolean;
  executionUnitRefList: string;
  startTime: string;
  completeTime: string;
  fault: FaultStruct;
}

export interface AutonOpResultStruct extends OpResultStruct {
  operationPerformed: string;
}

// ---------------------------------------------------------------------------------------------------------------
// ACS → CPE requests (the work an ACS sends) and the CPE's responses to them.

export interface GetRPCMethods {
  kind: 'GetRPCMethods';
}
export interface SetParameterValues {
  kind: 'SetParameterValues';
  parameterList: ParameterValueStruct[];
  parameterKey: string;
}
export interface GetParameterValues {
  kind: 'GetParameterValues';
  parameterNames: string[];
}
export interface GetParameterNames {
  kind: 'GetParameterNames';
  parameterPath: string;
  nextLevel: boolean;
}
export interface SetParameterAttributes {
  kind: 'SetParameterAttributes';
  parameterList: SetParameterAttributesStruct[];
}
export interface GetParameterAttributes {
  kind: 'GetParameterAttributes';
  parameterNames: string[];
}
export interface AddObject {
  kind: 'AddObject';
  objectName: string;
  parameterKey: string;
}
export interface DeleteObject {
  kind: 'DeleteObject';
  objectName: string;
  parameterKey: string;
}
export interface Reboot {
  kind: 'Reboot';
  commandKey: string;
}
export interface Download {
  kind: 'Download';
  commandKey: string;
  fileType: string;
  url: string;
  username: string;
  password: string;
  fileSize: number;
  targetFileName: string;
  delaySeconds: number;
  successURL: string;
  failureURL: string;
}
export interface Upload {
  kind: 'Upload';
  commandKey: string;
  fileType: string;
  url: string;
  username: string;
  password: string;
  delaySeconds: number;
}
export interface FactoryReset {
  kind: 'FactoryReset';
}
export interface GetQueuedTransfers {
  kind: 'GetQueuedTransfers';
}
export interface GetAllQueuedTransfers {
  kind: 'GetAllQueuedTransfers';
}
export interface ScheduleInform {
  kind: 'ScheduleInform';
  delaySeconds: number;
  commandKey: string;
}
export interface SetVouchers {
  kind: 'SetVouchers';
  /** base64 vouchers */
  voucherList: string[];
}
export interface GetOptions {
  kind: 'GetOptions';
  optionName: string;
}
export interface ScheduleDownload {
  kind: 'ScheduleDownload';
  commandKey: string;
  fileType: string;
  url: string;
  username: string;
  password: string;
  fileSize: number;
  targetFileName: string;
  timeWindowList: TimeWindowStruct[];
}
export interface CancelTransfer {
  kind: 'CancelTransfer';
  commandKey: string;
}
export interface ChangeDUState {
  kind: 'ChangeDUState';
  operations: DuOperation[];
  commandKey: string;
}

export type AcsRequest =
  | GetRPCMethods
  | SetParameterValues
  | GetParameterValues
  | GetParameterNames
  | SetParameterAttributes
  | GetParameterAttributes
  | AddObject
  | DeleteObject
  | Reboot
  | Download
  | Upload
  | FactoryReset
  | GetQueuedTransfers
  | GetAllQueuedTransfers
  | ScheduleInform
  | SetVouchers
  | GetOptions
  | ScheduleDownload
  | CancelTransfer
  | ChangeDUState;

export interface GetRPCMethodsResponse {
  kind: 'GetRPCMethodsResponse';
  methodList: string[];
}
export interface SetParameterValuesResponse {
  kind: 'SetParameterValuesResponse';
  /** 0 applied, 1 applied but committed later (e.g. after reboot) */
  status: number;
}
export interface GetParameterValuesResponse {
  kind: 'GetParameterValuesResponse';
  parameterList: ParameterValueStruct[];
}
export interface GetParameterNamesResponse {
  kind: 'GetParameterNamesResponse';
  parameterList: ParameterInfoStruct[];
}
export interface SetParameterAttributesResponse {
  kind: 'SetParameterAttributesResponse';
}
export interface GetParameterAttributesResponse {
  kind: 'GetParameterAttributesResponse';
  parameterList: ParameterAttributeStruct[];
}
export interface AddObjectResponse {
  kind: 'AddObjectResponse';
  instanceNumber: number;
  status: number;
}
export interface DeleteObjectResponse {
  kind: 'DeleteObjectResponse';
  status: number;
}
export interface RebootResponse {
  kind: 'RebootResponse';
}
export interface DownloadResponse {
  kind: 'DownloadResponse';
  /** 0 completed, 1 not yet completed (TransferComplete follows) */
  status: number;
  startTime: string;
  completeTime: string;
}
export interface UploadResponse {
  kind: 'UploadResponse';
  status: number;
  startTime: string;
  completeTime: string;
}
export interface FactoryResetResponse {
  kind: 'FactoryResetResponse';
}
export interface GetQueuedTransfersResponse {
  kind: 'GetQueuedTransfersResponse';
  transferList: QueuedTransferStruct[];
}
export interface GetAllQueuedTransfersResponse {
  kind: 'GetAllQueuedTransfersResponse';
  transferList: AllQueuedTransferStruct[];
}
export interface ScheduleInformResponse {
  kind: 'ScheduleInformResponse';
}
export interface SetVouchersResponse {
  kind: 'SetVouchersResponse';
}
export interface GetOptionsResponse {
  kind: 'GetOptionsResponse';
  optionList: OptionStruct[];
}
export interface ScheduleDownloadResponse {
  kind: 'ScheduleDownloadResponse';
}
export interface CancelTransferResponse {
  kind: 'CancelTransferResponse';
}
export interface ChangeDUStateResponse {
  kind: 'ChangeDUStateResponse';
}

export type CpeResponse =
  | GetRPCMethodsResponse
  | SetParameterValuesResponse
  | GetParameterValuesResponse
  | GetParameterNamesResponse
  | SetParameterAttributesResponse
  | GetParameterAttributesResponse
  | AddObjectResponse
  | DeleteObjectResponse
  | RebootResponse
  | DownloadResponse
  | UploadResponse
  | FactoryResetResponse
  | GetQueuedTransfersResponse
  | GetAllQueuedTransfersResponse
  | ScheduleInformResponse
  | SetVouchersResponse
  | GetOptionsResponse
  | ScheduleDownloadResponse
  | CancelTransferResponse
  | ChangeDUStateResponse;

// ---------------------------------------------------------------------------------------------------------------
// CPE → ACS requests and the ACS's responses to them.

export interface Inform {
  kind: 'Inform';
  deviceId: DeviceIdStruct;
  events: EventStruct[];
  maxEnvelopes: number;
  currentTime: string;
  retryCount: number;
  parameterList: ParameterValueStruct[];
}
export interface TransferComplete {
  kind: 'TransferComplete';
  commandKey: string;
  fault: FaultStruct;
  startTime: string;
  completeTime: string;
}
export interface AutonomousTransferComplete {
  kind: 'AutonomousTransferComplete';
  announceURL: string;
  transferURL: string;
  isDownload: boolean;
  fileType: string;
  fileSize: number;
  targetFileName: string;
  fault: FaultStruct;
  startTime: string;
  completeTime: string;
}
export interface RequestDownload {
  kind: 'RequestDownload';
  fileType: string;
  fileTypeArg: ArgStruct[];
}
export interface DUStateChangeComplete {
  kind: 'DUStateChangeComplete';
  results: OpResultStruct[];
  commandKey: string;
}
export interface AutonomousDUStateChangeComplete {
  kind: 'AutonomousDUStateChangeComplete';
  results: AutonOpResultStruct[];
}
export interface Kicked {
  kind: 'Kicked';
  command: string;
  referer: string;
  arg: string;
  next: string;
}
/** CPE → ACS GetRPCMethods shares its shape with the ACS → CPE one. */
export type CpeGetRPCMethods = GetRPCMethods;

export type CpeRequest =
  | Inform
  | CpeGetRPCMethods
  | TransferComplete
  | AutonomousTransferComplete
  | RequestDownload
  | DUStateChangeComplete
  | AutonomousDUStateChangeComplete
  | Kicked;

export interface InformResponse {
  kind: 'InformResponse';
  maxEnvelopes: number;
}
export interface TransferCompleteResponse {
  kind: 'TransferCompleteResponse';
}
export interface AutonomousTransferCompleteResponse {
  kind: 'AutonomousTransferCompleteResponse';
}
export interface RequestDownloadResponse {
  kind: 'RequestDownloadResponse';
}
export interface DUStateChangeCompleteResponse {
  kind: 'DUStateChangeCompleteResponse';
}
export interface AutonomousDUStateChangeCompleteResponse {
  kind: 'AutonomousDUStateChangeCompleteResponse';
}
export interface KickedResponse {
  kind: 'KickedResponse';
  nextURL: string;
}

export type AcsResponse =
  | InformResponse
  | GetRPCMethodsResponse
  | TransferCompleteResponse
  | AutonomousTransferCompleteResponse
  | RequestDownloadResponse
  | DUStateChangeCompleteResponse
  | AutonomousDUStateChangeCompleteResponse
  | KickedResponse;

// ---------------------------------------------------------------------------------------------------------------
// Faults: a SOAP Fault whose detail is a cwmp:Fault.

export interface SetParameterValuesFaultStruct {
  parameterName: string;
  faultCode: number;
  faultString: string;
}

export interface CwmpFault {
  kind: 'Fault';
  /** SOAP faultcode: `Client` for 9xxx caused by the request, `Server` otherwise. */
  soapFaultCode: 'Client' | 'Server';
  faultCode: number;
  faultString: string;
  setParameterValuesFault: SetParameterValuesFaultStruct[];
}

export type CwmpMessage = AcsRequest | CpeResponse | CpeRequest | AcsResponse | CwmpFault;
export type CwmpMessageKind = CwmpMessage['kind'];

// ---------------------------------------------------------------------------------------------------------------
// Envelope.

export interface CwmpHeader {
  /** cwmp:ID: the ACS matches responses to requests by it. */
  id?: string;
  /** ACS → CPE only: while true the CPE must not send requests. */
  holdRequests?: boolean;
  /** CWMP 1.0 CPE → ACS: the CPE has no more requests (deprecated, still sent by old firmware). */
  noMoreRequests?: boolean;
  /** CWMP 1.2+: seconds of inactivity the CPE will tolerate. */
  sessionTimeout?: number;
  /** CWMP 1.4: the versions a CPE supports, e.g. "1.0,1.1,1.2,1.3,1.4" (sent on Inform). */
  supportedCWMPVersions?: string;
  /** CWMP 1.4: the version the ACS chose, on InformResponse. */
  useCWMPVersion?: string;
}

export interface CwmpEnvelope<M extends CwmpMessage = CwmpMessage> {
  /** The version the envelope's cwmp namespace names. */
  version: CwmpVersion;
  header: CwmpHeader;
  body: M;
}
