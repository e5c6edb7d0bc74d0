export { DataModel, DataModelError, type ChangeListener, type ChangeSource, type DataModelParameter, type DataModelRoot } from './data-model/data-model';
export type { BuiltinModelKind } from './data-model/builtin-models';
export { CpeFleet, type CpeFleetOptions } from './fleet/cpe-fleet';
export { formatFirmwareSummary, formatFleetReport, summariseSessions, type FleetFirmwareSummary, type FleetReport } from './fleet/fleet-report';
export { ConnectionRequestListener, type ConnectionRequestListenerOptions } from './http/connection-request-listener';
export { CwmpTransportError } from './http/cwmp-http-client';
export {
  UdpConnectionRequestListener,
  type UdpConnectionRequestListenerOptions,
  type UdpConnectionRequestTarget,
  type UdpRejection,
} from './http/udp-connection-request-listener';
export {
  downloadFirmware,
  type FirmwareDownloadAttempt,
  type FirmwareDownloadOptions,
  type FirmwareDownloadRequest,
  type FirmwareDownloadResult,
} from './firmware/firmware-downloader';
export {
  FIRMWARE_FAILURE_MODES,
  FirmwareFailureSpecError,
  parseFirmwareFailures,
  type FirmwareFailureDraws,
  type FirmwareFailureMode,
  type FirmwareFailureShares,
} from './firmware/firmware-failures';
export type { FirmwareBehaviour, FirmwareDownloadRecord } from './firmware/firmware-upgrade';
export {
  MAX_HEADER_BYTES,
  SIMULATOR_IMAGE_MAGIC,
  SimulatorImageError,
  SimulatorImageInspector,
  imageFitsModel,
  parseSimulatorImageHeader,
  simulatorImage,
  writeSimulatorImage,
  type SimulatorImageHeader,
  type SimulatorImageModel,
  type SimulatorImageOptions,
} from './firmware/simulator-image';
export { AuthenticationError, HttpAuthenticator, type Credentials } from './http/http-auth';
export { DeviceRpcHandler, SUPPORTED_METHODS, type DeviceAction, type RpcOutcome } from './session/device-rpc-handler';
export { CwmpSessionError, type SessionReport } from './session/session-report';
export { informParameterNames } from './session/inform-parameters';
export { SimulatedCpe, type CpeOptions } from './session/simulated-cpe';
export {
  USAGE,
  UsageError,
  firmwareFailuresArgument,
  fleetFor,
  lineArgument,
  loadModel,
  networkArgument,
  parseSimulatorArguments,
  renderReport,
  runSessionRounds,
  type SimulatorArguments,
} from './cli/simulator-cli';
export {
  DEFAULT_NETWORK_CONDITIONS,
  DIAGNOSTICS_KINDS as SIMULATED_DIAGNOSTICS_KINDS,
  NetworkConditionsError,
  parseNetworkConditions,
  withNetworkConditions,
  type DiagnosticsKind as SimulatedDiagnosticsKind,
  type NetworkConditions,
} from './diagnostics/network-conditions';
export type { DiagnosticsRecord } from './diagnostics/diagnostics-runner';
export { DEFAULT_LINE_LEVELS, DEGRADED_LINE_LEVELS, LineLevelsError, parseLineLevels, type LineLevels } from './monitoring/line-monitor';
export { SYSTEM_CLOCK, type BulkDataClock, type BulkDataDelivery } from './bulkdata/bulk-data-reporter';
