export * from './messages';
export { CwmpParseError, type CwmpParseErrorCode } from './cwmp-parse-error';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './xml-guard';
export { parseEnvelope } from './envelope-parser';
export { buildEnvelope } from './envelope-builder';
export { decodeBody, type BodyDecodingOptions } from './body-decoder';
export {
  CWMP_NAMESPACES,
  SUPPORTED_VERSIONS,
  isCwmpVersion,
  negotiateVersion,
  parseSupportedVersions,
  versionFromNamespace,
} from './cwmp-versions';
export {
  EventCode,
  STANDARD_METHODS,
  parseEventCode,
  type EventCodeValue,
  type ParsedEventCode,
  type StandardEventName,
} from './cwmp-events';
export {
  FaultCode,
  cwmpFault,
  faultString,
  isTransientFault,
  soapFaultCodeOf,
  type FaultCodeValue,
} from './cwmp-faults';
export { UNKNOWN_TIME, formatValue, isXsdType, parseValue } from './cwmp-values';
export { deviceIdOf, escapeDeviceIdPart } from './device-id';
export {
  InvalidParameterPathError,
  isObjectPath,
  isParameterPath,
  normalizeParameterPath,
  parameterPathProblem,
  parameterPathSegments,
  parentPath,
  pathSegments,
  rootObjectOf,
  withoutTrailingDot,
  type RootObject,
} from './parameter-path';
export { ACS_REQUEST_KINDS, ACS_RESPONSE_KINDS, CPE_REQUEST_KINDS, CPE_RESPONSE_KINDS, isAcsRequest } from './message-kinds';
export {
  basicAuthorization,
  basicCredentialsMatch,
  chooseDigestChallenge,
  constantTimeEqual,
  digestAlgorithmOf,
  digestAuthorization,
  digestChallenge,
  digestCredentialsMatch,
  digestHash,
  digestResponse,
  formatNonceCount,
  isStaleDigestChallenge,
  parseAuthChallenges,
  parseDigestAuthorization,
  type AuthChallenge,
  type DigestAlgorithm,
  type DigestChoice,
  type DigestCredentials,
  type DigestRequest,
  type DigestResponseInput,
  type HttpCredentials,
} from './http/http-digest';
export { StatelessDigestNonces, type NonceVerdict } from './http/digest-nonces';
export {
  formatUdpConnectionRequest,
  parseUdpConnectionRequest,
  udpConnectionRequestSignature,
  udpConnectionRequestSignatureMatches,
  type ParsedUdpConnectionRequest,
  type UdpConnectionRequestFields,
} from './http/udp-connection-request';
