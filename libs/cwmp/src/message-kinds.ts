import type { AcsRequest, AcsResponse, CpeRequest, CpeResponse, CwmpMessage } from './messages';

// The `kind`s of each direction of the protocol, as values: for code that must tell at run time which side of a
// session a message belongs to. Each list is typed by its union, so adding an RPC to one without the other fails to
// compile (the `satisfies` checks below).

const acsRequestKinds = {
  GetRPCMethods: 1, SetParameterValues: 1, GetParameterValues: 1, GetParameterNames: 1, SetParameterAttributes: 1,
  GetParameterAttributes: 1, AddObject: 1, DeleteObject: 1, Reboot: 1, Download: 1, Upload: 1, FactoryReset: 1,
  GetQueuedTransfers: 1, GetAllQueuedTransfers: 1, ScheduleInform: 1, SetVouchers: 1, GetOptions: 1,
  ScheduleDownload: 1, CancelTransfer: 1, ChangeDUState: 1,
} satisfies Record<AcsRequest['kind'], 1>;

const cpeRequestKinds = {
  Inform: 1, GetRPCMethods: 1, TransferComplete: 1, AutonomousTransferComplete: 1, RequestDownload: 1,
  DUStateChangeComplete: 1, AutonomousDUStateChangeComplete: 1, Kicked: 1,
} satisfies Record<CpeRequest['kind'], 1>;

const acsResponseKinds = {
  InformResponse: 1, GetRPCMethodsResponse: 1, TransferCompleteResponse: 1, AutonomousTransferCompleteResponse: 1,
  RequestDownloadResponse: 1, DUStateChangeCompleteResponse: 1, AutonomousDUStateChangeCompleteResponse: 1,
  KickedResponse: 1,
} satisfies Record<AcsResponse['kind'], 1>;

const cpeResponseKinds = {
  GetRPCMethodsResponse: 1, SetParameterValuesResponse: 1, GetParameterValuesResponse: 1,
  GetParameterNamesResponse: 1, SetParameterAttributesResponse: 1, GetParameterAttributesResponse: 1,
  AddObjectResponse: 1, DeleteObjectResponse: 1, RebootResponse: 1, DownloadResponse: 1, UploadResponse: 1,
  FactoryResetResponse: 1, GetQueuedTransfersResponse: 1, GetAllQueuedTransfersResponse: 1,
  ScheduleInformResponse: 1, SetVouchersResponse: 1, GetOptionsResponse: 1, ScheduleDownloadResponse: 1,
  CancelTransferResponse: 1, ChangeDUStateResponse: 1,
} satisfies Record<CpeResponse['kind'], 1>;

/** Requests an ACS sends to a CPE (the work items). */
export const ACS_REQUEST_KINDS: ReadonlySet<string> = new Set(Object.keys(acsRequestKinds));
/** Requests a CPE sends to an ACS, Inform included. */
export const CPE_REQUEST_KINDS: ReadonlySet<string> = new Set(Object.keys(cpeRequestKinds));
/** Responses an ACS sends to a CPE's requests. */
export const ACS_RESPONSE_KINDS: ReadonlySet<string> = new Set(Object.keys(acsResponseKinds));
/** Responses a CPE sends to an ACS's requests. `GetRPCMethodsResponse` is in both response sets. */
export const CPE_RESPONSE_KINDS: ReadonlySet<string> = new Set(Object.keys(cpeResponseKinds));

export function isAcsRequest(message: CwmpMessage): message is AcsRequest {
  return ACS_REQUEST_KINDS.has(message.kind);
}
