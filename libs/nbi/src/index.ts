export * from './audit';
export * from './nbi.config';
export * from './nbi.module';
export * from './repositories';
export * from './security';
export { BackendRelay, type BackendRegistration, type RelayScopes } from './api/backend-relay';
export { EventHub, ReplayOutOfRangeError, type EventReplayOptions } from './api/event-hub';
