import type { CwmpFault, SetParameterValuesFaultStruct } from '@acs/cwmp';

// The CPE fault codes of TR-069 Table 63 the simulator answers with, and their usual strings.
export const DeviceFaultCode = {
  MethodNotSupported: 9000,
  RequestDenied: 9001,
  InternalError: 9002,
  InvalidArguments: 9003,
  ResourcesExceeded: 9004,
  InvalidParameterName: 9005,
  InvalidParameterType: 9006,
  InvalidParameterValue: 9007,
  NonWritableParameter: 9008,
  NotificationRequestRejected: 9009,
  DownloadFailure: 9010,
  UploadFailure: 9011,
} as const;

const FAULT_STRINGS: Record<number, string> = {
  9000: 'Method not supported',
  9001: 'Request denied',
  9002: 'Internal error',
  9003: 'Invalid arguments',
  9004: 'Resources exceeded',
  9005: 'Invalid parameter name',
  9006: 'Invalid parameter type',
  9007: 'Invalid parameter value',
  9008: 'Attempt to set a non-writable parameter',
  9009: 'Notification request rejected',
  9010: 'Download failure',
  9011: 'Upload failure',
};

export function faultString(code: number): string {
  return FAULT_STRINGS[code] ?? 'Fault';
}

/**
 * A CPE's SOAP fault. Built here rather than with @acs/cwmp's `cwmpFault` so the RPC handler has no dependency
 * beyond the message model (the shape is the same CwmpFault).
 */
export function deviceFault(
  code: number,
  message?: string,
  setParameterValuesFault: SetParameterValuesFaultStruct[] = [],
): CwmpFault {
  return {
    kind: 'Fault',
    soapFaultCode: code === DeviceFaultCode.InternalError ? 'Server' : 'Client',
    faultCode: code,
    faultString: message ?? faultString(code),
    setParameterValuesFault,
  };
}
