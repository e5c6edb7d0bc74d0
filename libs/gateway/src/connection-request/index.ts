export {
  ConnectionRequester,
  type ConnectionRequestOutcome,
  type ConnectionRequestResult,
  type ConnectionRequesterOptions,
  type ConnectionRequestTarget,
} from './connection-requester';
export { loadConnectionRequestConfig, type ConnectionRequestConfig } from './connection-request.config';
export {
  buildUdpConnectionRequest,
  InvalidUdpAddressError,
  parseUdpAddress,
  type UdpDestination,
} from './udp-connection-request';
