import type { CwmpFault, SetParameterValuesFaultStruct } from './messages';

// Fault codes and strings from the FaultCodeType / ACSFaultCodeType documentation of cwmp-1-2.xsd and cwmp-1-4.xsd
// (TR-069 Amendment 6, A.5.1 and A.5.2).

export const FaultCode = {
  // ACS faults, sent by the ACS in answer to a CPE request.
  ACS_METHOD_NOT_SUPPORTED: 8000,
  ACS_REQUEST_DENIED: 8001,
  ACS_INTERNAL_ERROR: 8002,
  ACS_INVALID_ARGUMENTS: 8003,
  ACS_RESOURCES_EXCEEDED: 8004,
  ACS_RETRY_REQUEST: 8005,
  ACS_VERSION_INCOMPATIBLE: 8006,
  // CPE faults, sent by the CPE in answer to an ACS request (or in TransferComplete / DU results).
  METHOD_NOT_SUPPORTED: 9000,
  REQUEST_DENIED: 9001,
  INTERNAL_ERROR: 9002,
  INVALID_ARGUMENTS: 9003,
  RESOURCES_EXCEEDED: 9004,
  INVALID_PARAMETER_NAME: 9005,
  INVALID_PARAMETER_TYPE: 9006,
  INVALID_PARAMETER_VALUE: 9007,
  NON_WRITABLE_PARAMETER: 9008,
  NOTIFICATION_REQUEST_REJECTED: 9009,
  FILE_TRANSFER_FAILURE: 9010,
  UPLOAD_FAILURE: 9011,
  FILE_TRANSFER_SERVER_AUTHENTICATION_FAILURE: 9012,
  UNSUPPORTED_FILE_TRANSFER_PROTOCOL: 9013,
  FILE_TRANSFER_MULTICAST_JOIN_FAILED: 9014,
  FILE_TRANSFER_SERVER_UNREACHABLE: 9015,
  FILE_TRANSFER_FILE_INACCESSIBLE: 9016,
  FILE_TRANSFER_INCOMPLETE: 9017,
  FILE_TRANSFER_FILE_CORRUPTED: 9018,
  FILE_TRANSFER_FILE_AUTHENTICATION_FAILURE: 9019,
  FILE_TRANSFER_OUTSIDE_TIME_WINDOWS: 9020,
  CANCELATION_NOT_PERMITTED: 9021,
  INVALID_UUID_FORMAT: 9022,
  UNKNOWN_EXECUTION_ENVIRONMENT: 9023,
  DISABLED_EXECUTION_ENVIRONMENT: 9024,
  DEPLOYMENT_UNIT_EXECUTION_ENVIRONMENT_MISMATCH: 9025,
  DUPLICATE_DEPLOYMENT_UNIT: 9026,
  SYSTEM_RESOURCES_EXCEEDED: 9027,
  UNKNOWN_DEPLOYMENT_UNIT: 9028,
  INVALID_DEPLOYMENT_UNIT_STATE: 9029,
  INVALID_DEPLOYMENT_UNIT_UPDATE_DOWNGRADE: 9030,
  INVALID_DEPLOYMENT_UNIT_UPDATE_UNSPECIFIED_VERSION: 9031,
  INVALID_DEPLOYMENT_UNIT_UPDATE_VERSION_EXISTS: 9032,
} as const;

export type FaultCodeValue = (typeof FaultCode)[keyof typeof FaultCode];

interface FaultInfo {
  text: string;
  soap: 'Client' | 'Server';
}

// The SOAP faultcode column of TR-069's fault tables: Client when the request was at fault, Server otherwise.
const FAULTS: ReadonlyMap<number, FaultInfo> = new Map<number, FaultInfo>([
  [8000, { text: 'Method not supported', soap: 'Server' }],
  [8001, { text: 'Request denied (no reason specified)', soap: 'Server' }],
  [8002, { text: 'Internal error', soap: 'Server' }],
  [8003, { text: 'Invalid arguments', soap: 'Client' }],
  [8004, { text: 'Resources exceeded', soap: 'Server' }],
  [8005, { text: 'Retry request', soap: 'Server' }],
  [8006, { text: 'ACS version incompatible with CPE', soap: 'Client' }],
  [9000, { text: 'Method not supported', soap: 'Server' }],
  [9001, { text: 'Request denied (no reason specified)', soap: 'Server' }],
  [9002, { text: 'Internal error', soap: 'Server' }],
  [9003, { text: 'Invalid arguments', soap: 'Client' }],
  [9004, { text: 'Resources exceeded', soap: 'Server' }],
  [9005, { text: 'Invalid parameter name', soap: 'Client' }],
  [9006, { text: 'Invalid parameter type', soap: 'Client' }],
  [9007, { text: 'Invalid parameter value', soap: 'Client' }],
  [9008, { text: 'Attempt to set a non-writable parameter', soap: 'Client' }],
  [9009, { text: 'Notification request rejected', soap: 'Server' }],
  [9010, { text: 'File transfer failure', soap: 'Server' }],
  [9011, { text: 'Upload failure', soap: 'Server' }],
  [9012, { text: 'File transfer server authentication failure', soap: 'Server' }],
  [9013, { text: 'Unsupported protocol for file transfer', soap: 'Server' }],
  [9014, { text: 'File transfer failure: unable to join multicast group', soap: 'Server' }],
  [9015, { text: 'File transfer failure: unable to contact file server', soap: 'Server' }],
  [9016, { text: 'File transfer failure: unable to access file', soap: 'Server' }],
  [9017, { text: 'File transfer failure: unable to complete download', soap: 'Server' }],
  [9018, { text: 'File transfer failure: file corrupted', soap: 'Server' }],
  [9019, { text: 'File transfer failure: file authentication failure', soap: 'Server' }],
  [9020, { text: 'File transfer failure: unable to complete download within specified time windows', soap: 'Server' }],
  [9021, { text: 'Cancelation of file transfer not permitted in current transfer state', soap: 'Client' }],
  [9022, { text: 'Invalid UUID Format', soap: 'Client' }],
  [9023, { text: 'Unknown Execution Environment', soap: 'Client' }],
  [9024, { text: 'Disabled Execution Environment', soap: 'Client' }],
  [9025, { text: 'Deployment Unit to Execution Environment Mismatch', soap: 'Client' }],
  [9026, { text: 'Duplicate Deployment Unit', soap: 'Client' }],
  [9027, { text: 'System Resources Exceeded', soap: 'Client' }],
  [9028, { text: 'Unknown Deployment Unit', soap: 'Client' }],
  [9029, { text: 'Invalid Deployment Unit State', soap: 'Client' }],
  [9030, { text: 'Invalid Deployment Unit Update – Downgrade not permitted', soap: 'Client' }],
  [9031, { text: 'Invalid Deployment Unit Update – Version not specified', soap: 'Client' }],
  [9032, { text: 'Invalid Deployment Unit Update – Version already exists', soap: 'Client' }],
]);

/** The standard string for a fault code; vendor ranges (8800–8899, 9800–9899) and unknown codes get a generic one. */
export function faultString(code: number): string {
  const known = FAULTS.get(code);
  if (known) return known.text;
  if ((code >= 8800 && code <= 8899) || (code >= 9800 && code <= 9899)) return `Vendor fault ${code}`;
  return `Fault ${code}`;
}

/** The SOAP faultcode a fault travels with. */
export function soapFaultCodeOf(code: number): 'Client' | 'Server' {
  return FAULTS.get(code)?.soap ?? 'Server';
}

/**
 * Faults worth retrying later, unchanged: the CPE was busy, short of resources or could not reach or finish a
 * transfer — conditions that pass. Everything else (9000 method not supported, 9001 request denied, 9003 invalid
 * arguments, 9005 invalid name, 9006 type, 9007 value, 9008 non-writable, 9012/9013 transfer configuration, the
 * deployment-unit faults 9021–9026 and 9028–9032, vendor faults) is permanent: the same request fails the same way.
 */
const TRANSIENT_FAULTS: ReadonlySet<number> = new Set([
  8002, // ACS internal error
  8004, // ACS resources exceeded
  8005, // retry request
  9002, // internal error
  9004, // resources exceeded
  9010, // file transfer failure
  9011, // upload failure
  9014, // unable to join multicast group
  9015, // unable to contact file server
  9016, // unable to access file
  9017, // unable to complete download
  9018, // file corrupted (in transit, as a rule)
  9019, // file authentication failure
  9020, // outside the time windows
  9027, // system resources exceeded
]);

export function isTransientFault(code: number): boolean {
  return TRANSIENT_FAULTS.has(code);
}

export function cwmpFault(
  code: number,
  text?: string,
  setParameterValuesFault: SetParameterValuesFaultStruct[] = [],
): CwmpFault {
  return {
    kind: 'Fault',
    soapFaultCode: soapFaultCodeOf(code),
    faultCode: code,
    faultString: text ?? faultString(code),
    setParameterValuesFault,
  };
}
