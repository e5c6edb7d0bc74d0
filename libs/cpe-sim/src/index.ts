export { DataModel, DataModelError, type ChangeListener, type ChangeSource, type DataModelParameter, type DataModelRoot } from './data-model/data-model';
export type { BuiltinModelKind } from './data-model/builtin-models';
export { CpeFleet, type CpeFleetOptions } from './fleet/cpe-fleet';
export { formatFleetReport, summariseSessions, type FleetReport } from './fleet/fleet-report';
export { ConnectionRequestListener, type ConnectionRequestListenerOptions } from './http/connection-request-listener';
export { CwmpTransportError } from './http/cwmp-http-client';
export {
  UdpConnectionRequestListener,
  type UdpConnectionRequestListenerOptions,
  type UdpConnectionRequestTarget,
  type UdpRejection,
} from './http/udp-connection-request-listener';
export { AuthenticationError, HttpAuthenticator, type Credentials } from './http/http-auth';
export { DeviceRpcHandler, SUPPORTED_METHODS, type DeviceAction, type RpcOutcome } from './session/device-rpc-handler';
export { CwmpSessionError, type SessionReport } from './session/session-report';
export { informParameterNames } from './session/inform-parameters';
export { SimulatedCpe, type CpeOptions } from './session/simulated-cpe';
export {
  USAGE,
  UsageError,
  fleetFor,
  loadModel,
  parseSimulatorArguments,
  renderReport,
  runSessionRounds,
  type SimulatorArguments,
} from './cli/simulator-cli';
